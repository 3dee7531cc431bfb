import "server-only";
import { notFound } from "next/navigation";
import { env } from "@koi/core/env";

/**
 * /dev/mail shows every stored email, invitation links included, to whoever asks: it exists only
 * in development and test, never in production (where `next start` sets NODE_ENV=production).
 */
export function assertDevMailEnabled(): void {
  if (env().NODE_ENV === "production") notFound();
}
