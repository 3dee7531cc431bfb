"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { isStaff } from "@koi/services/auth/is-staff";
import { auth } from "@/auth";
import { QUEUE_CONSOLE_PATH } from "@/lib/queue-console/queue-boards";
import { RETRY_COOKIE, RETRY_WINDOW_SECONDS } from "@/lib/queue-console/queue-console-request";

/** A staff member confirmed: the queue console allows retries (only) for the next few minutes. */
export async function allowQueueRetries(): Promise<void> {
  const userId = (await auth())?.user?.id;
  if (!userId || !(await isStaff(userId))) redirect("/");
  (await cookies()).set(RETRY_COOKIE, userId, {
    httpOnly: true,
    sameSite: "strict",
    secure: process.env.NODE_ENV === "production",
    path: "/admin",
    maxAge: RETRY_WINDOW_SECONDS,
  });
  redirect(QUEUE_CONSOLE_PATH);
}

export async function endQueueRetries(): Promise<void> {
  (await cookies()).delete({ name: RETRY_COOKIE, path: "/admin" });
  redirect(QUEUE_CONSOLE_PATH);
}
