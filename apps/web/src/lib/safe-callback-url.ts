/**
 * Where to go after signing in: only a path on this site. Anything else ("//evil.test",
 * "https://…", "/\\evil.test", "/.//evil.test", control characters) falls back, so a link cannot bounce a fresh
 * session to another origin.
 */
export function safeCallbackUrl(raw: unknown, fallback = "/dashboard"): string {
  if (typeof raw !== "string" || raw.length > 2000) return fallback;
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return fallback;
  const url = new URL(raw, "http://koi.invalid");
  if (url.origin !== "http://koi.invalid") return fallback;
  // Folding dot segments ("/.//evil.test", "/x/..//evil.test") can leave a path that starts with
  // "//", which a redirect reads as another host: the result is checked again.
  if (url.pathname.startsWith("//")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
