/**
 * The caller's IP for rate limits. Next.js appends the socket address to X-Forwarded-For,
 * so without a trusted proxy only the right-most entry is real; behind one (KOI_TRUST_PROXY=true)
 * the left-most entry is the client the proxy saw.
 */
export function clientIp(headers: Headers, trustProxy: boolean): string {
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const ip = trustProxy ? forwarded[0] : forwarded.at(-1);
  return ip || headers.get("x-real-ip") || "unknown";
}
