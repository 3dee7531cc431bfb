/** Koi's error body is `{error:{code,message,requestId}}`; proxies in front of it answer HTML or nothing. */
function errorDetail(body: unknown): { code?: string; message?: string; requestId?: string } | undefined {
  if (!body || typeof body !== "object" || !("error" in body)) return undefined;
  const error = (body as { error: unknown }).error;
  return error && typeof error === "object"
    ? (error as { code?: string; message?: string; requestId?: string })
    : undefined;
}

/** A non-2xx answer from Koi, carrying the server's code, message and request id. */
export class KoiHttpError extends Error {
  readonly code: string;
  readonly serverMessage: string;
  readonly requestId: string | null;

  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly path: string,
    requestIdHeader: string | null = null,
  ) {
    const detail = errorDetail(body);
    super(`Koi ${path} answered ${status}${detail ? ` ${detail.code}: ${detail.message}` : ""}`);
    this.name = "KoiHttpError";
    this.code = detail?.code ?? "http_error";
    this.serverMessage =
      detail?.message ?? ((typeof body === "string" && body.slice(0, 200)) || `HTTP ${status} from ${path}`);
    this.requestId = detail?.requestId ?? requestIdHeader;
  }

  /** One line: the server's message, then what identifies the request in Koi's logs. */
  describe(): string {
    return `${this.serverMessage} (HTTP ${this.status} ${this.code}${this.requestId ? `, requestId ${this.requestId}` : ""})`;
  }
}

/** Statuses worth retrying: timeouts, throttling and server-side trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
