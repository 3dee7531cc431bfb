import "server-only";
import { env } from "@koi/core/env";

export type TOAuthProvider = { id: "github" | "google"; name: string };

/** The OAuth buttons to show: a provider appears only when both of its env vars are set (as in auth-config). */
export function configuredOAuthProviders(): TOAuthProvider[] {
  const e = env();
  const providers: TOAuthProvider[] = [];
  if (e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET) providers.push({ id: "github", name: "GitHub" });
  if (e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET) providers.push({ id: "google", name: "Google" });
  return providers;
}
