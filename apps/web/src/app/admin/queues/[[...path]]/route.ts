import { cookies } from "next/headers";
import { isStaff } from "@koi/services/auth/is-staff";
import { auth } from "@/auth";
import { queueBoards, QUEUE_CONSOLE_PATH } from "@/lib/queue-console/queue-boards";
import { isRetryRequest, RETRY_COOKIE } from "@/lib/queue-console/queue-console-request";

export const dynamic = "force-dynamic";

// Bull Board's page loads its own scripts and styles from /admin/queues/static (no inline script),
// so it gets a CSP of its own instead of the app's nonce-based one (src/proxy.ts skips this path).
const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const json = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });

/**
 * The staff queue console (Bull Board). Visitors are sent to sign in; signed-in non-staff get the
 * same 404 as any missing page. Read-only unless this staff member confirmed retries within the
 * last minutes (RETRY_COOKIE); even then, only retries go through.
 */
async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const userId = (await auth())?.user?.id;
  if (!userId) {
    if (request.method !== "GET") return json(401, "UNAUTHORIZED", "Sign in first.");
    return Response.redirect(new URL(`/sign-in?callbackUrl=${encodeURIComponent(QUEUE_CONSOLE_PATH)}`, url), 307);
  }
  if (!(await isStaff(userId))) return new Response("Not found", { status: 404 });

  const site = request.headers.get("sec-fetch-site");
  if (request.method !== "GET" && site && site !== "same-origin")
    return json(403, "FORBIDDEN", "Cross-site changes to the queues are refused.");
  const retriesConfirmed = (await cookies()).get(RETRY_COOKIE)?.value === userId;
  if (request.method !== "GET" && !(retriesConfirmed && isRetryRequest(request.method, url.pathname)))
    return json(
      403,
      "FORBIDDEN",
      retriesConfirmed
        ? "The queue console only retries jobs."
        : "The queue console is read-only; confirm retries first.",
    );

  const boards = queueBoards();
  const response = await (retriesConfirmed ? boards.retry : boards.readOnly).fetch(request);
  const headers = new Headers(response.headers);
  if (headers.get("content-type")?.startsWith("text/html")) headers.set("content-security-policy", BOARD_CSP);
  if (!url.pathname.startsWith(`${QUEUE_CONSOLE_PATH}/static/`)) headers.set("cache-control", "private, no-store");
  return new Response(response.body, { status: response.status, headers });
}

export { handle as GET, handle as PUT, handle as POST, handle as PATCH, handle as DELETE };
