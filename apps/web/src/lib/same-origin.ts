import { env } from "@koi/core/env";

/**
 * Mutations must come from our own pages: a browser always sends Origin on cross-site POSTs,
 * and Sec-Fetch-Site when it can. Form-style content types (which skip CORS preflight) are refused.
 */
export function isSameOriginMutation(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = request.headers.get("origin");
  if (origin && origin !== new URL(env().APP_URL).origin && origin !== new URL(request.url).origin) return false;
  const type = request.headers.get("content-type") ?? "";
  return type.startsWith("application/json");
}
