import { NextResponse, type NextRequest } from "next/server";

/**
 * A fresh nonce per request for a strict CSP (Next.js puts the nonce on its own scripts).
 * This is not an authorization boundary: every page and procedure checks the session itself.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const dev = process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  // Layouts are not told the URL; the org layout needs it for the callback after signing in.
  requestHeaders.set("x-koi-pathname", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  // The JSON API needs no CSP, and the agent protocol is the hot path; the queue console (Bull
  // Board) sets a CSP of its own (src/app/admin/queues).
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico|api/v1/|admin/queues).*)" }],
};
