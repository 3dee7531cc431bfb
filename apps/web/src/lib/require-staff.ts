import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { isStaff } from "@koi/services/auth/is-staff";
import { auth } from "@/auth";

/**
 * Guards a staff page on the server: visitors go to sign-in and come back; signed-in non-staff
 * get a 404, because the admin area does not exist for them (same answer as staffProcedure).
 * Called by the admin layout (outside any loading boundary, so the answer is a real 307 or 404)
 * and again by each page, since a layout is not re-rendered on every navigation.
 */
export const requireStaff = cache(async (returnTo: string): Promise<{ userId: string }> => {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (!(await isStaff(userId))) notFound();
  return { userId };
});
