/**
 * What the queue console lets through besides reading: in retry mode, retrying one failed job or
 * all failed jobs of a queue — never cleaning, removing, promoting, pausing, emptying or adding.
 */
const RETRY_ROUTES = [
  /^\/admin\/queues\/api\/queues\/[^/]+\/[^/]+\/retry$/,
  /^\/admin\/queues\/api\/queues\/[^/]+\/retry\/failed$/,
];

export function isRetryRequest(method: string, pathname: string): boolean {
  return method === "PUT" && RETRY_ROUTES.some((r) => r.test(pathname));
}

export const RETRY_COOKIE = "koi_queue_retries";
/** A confirmation lasts this long; then the console is read-only again. */
export const RETRY_WINDOW_SECONDS = 10 * 60;
