/**
 * The header through which Koi's own web server (apps/web/server) hands the client address to
 * the app. The server removes whatever a client sent under this name and sets it from the socket
 * (or from the trusted proxies' X-Forwarded-For, see KOI_TRUST_PROXY), so it cannot be forged.
 */
export const CLIENT_IP_HEADER = "x-koi-client-ip";

/** The caller's IP for rate limits, as Koi's web server resolved it; "unknown" outside that server. */
export function clientIp(headers: Headers): string {
  return headers.get(CLIENT_IP_HEADER) || "unknown";
}
