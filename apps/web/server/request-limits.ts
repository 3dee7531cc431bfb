/**
 * Limits the web server enforces before Next.js reads a byte of the body: an anonymous caller
 * must not be able to make the process buffer megabytes (the audit grew it by 260 MB with twelve
 * 10 MB requests), nor run an unbounded tRPC batch.
 */
export const MAX_TRPC_BATCH = 10;

/** Longest body per path prefix (first match wins); the JSON API's own routes check tighter. */
const BODY_LIMITS: readonly (readonly [prefix: string, bytes: number])[] = [
  ["/api/auth/", 16 * 1024],
  ["/api/trpc/", 128 * 1024],
  ["/api/v1/", 1024 * 1024],
];
/** Pages and server actions (sign-in, sign-out, switching orgs): small forms. */
const DEFAULT_BODY_LIMIT = 64 * 1024;

export function bodyLimitFor(pathname: string): number {
  return BODY_LIMITS.find(([prefix]) => pathname.startsWith(prefix))?.[1] ?? DEFAULT_BODY_LIMIT;
}

export type TLimitRefusal = { status: 400 | 411 | 413; code: string; message: string };

/**
 * Why a request is refused before it reaches the app, or null. A body must announce its length
 * (Content-Length), so Node's parser never delivers more than the limit checked here.
 */
export function refuseRequest(req: {
  method?: string;
  url?: string;
  headers: { "content-length"?: string; "transfer-encoding"?: string; host?: string };
}): TLimitRefusal | null {
  // Pages build absolute URLs from Host (redirects, Auth.js): one that is no host made them fail
  // with a 500. Node already refuses an HTTP/1.1 request without one.
  if (req.headers.host !== undefined && !isHost(req.headers.host))
    return { status: 400, code: "bad_request", message: "The Host header is not a host name." };
  const url = req.url ?? "/";
  const pathname = url.split("?")[0]!;
  // Next.js fails to decode such a path into its route parameters and answers a bare 500.
  if (!decodes(pathname))
    return { status: 400, code: "bad_request", message: "The path holds a malformed percent-escape." };
  const limit = bodyLimitFor(pathname);
  const declared = req.headers["content-length"];
  if (req.headers["transfer-encoding"] !== undefined && declared === undefined) {
    return { status: 411, code: "length_required", message: "Send the body with a Content-Length header." };
  }
  if (declared !== undefined && Number(declared) > limit) {
    return { status: 413, code: "payload_too_large", message: `Body is larger than ${limit} bytes.` };
  }
  if (pathname.startsWith("/api/trpc/")) {
    // Commas may arrive percent-encoded; counting both forms needs no decoding (which can throw).
    const procedures = pathname.slice("/api/trpc/".length).split(/,|%2C/i);
    if (procedures.length > MAX_TRPC_BATCH) {
      return {
        status: 400,
        code: "batch_too_large",
        message: `A batch holds at most ${MAX_TRPC_BATCH} procedures; this one has ${procedures.length}.`,
      };
    }
  }
  return null;
}

function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** `name`, `name:port`, `[v6]` or `[v6]:port`, as a URL's authority would read it back. */
function isHost(value: string): boolean {
  try {
    return new URL(`http://${value}`).host === value.toLowerCase().replace(/:80$/, "");
  } catch {
    return false;
  }
}
