import "server-only";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { clientIp } from "@koi/auth/client-ip";
import { env } from "@koi/core/env";
import { devMailAllowed } from "./dev-mail-access.ts";

/** Renders the not-found page unless this request may see /dev/mail (see devMailAllowed). */
export async function assertDevMailEnabled(): Promise<void> {
  const e = env();
  const ip = clientIp(await headers());
  if (!devMailAllowed({ nodeEnv: e.NODE_ENV, devMailFlag: e.KOI_DEV_MAIL, clientIp: ip })) notFound();
}
