import "server-only";
import { notFound } from "next/navigation";
import { env } from "@koi/core/env";

/**
 * /dev/mail shows every stored email, invitation links included, to whoever asks: it exists in
 * development and test, and in a production build only when KOI_DEV_MAIL=true (the local demo
 * that scripts/start.sh runs) — never on a server other people can reach.
 */
export function assertDevMailEnabled(): void {
  const e = env();
  if (e.NODE_ENV === "production" && !e.KOI_DEV_MAIL) notFound();
}
