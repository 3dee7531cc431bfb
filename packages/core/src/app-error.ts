/** The one error type services throw; transports map `code` to a tRPC code and an HTTP status. */
export const appErrorCodes = {
  BAD_REQUEST: { http: 400, trpc: "BAD_REQUEST" },
  UNAUTHORIZED: { http: 401, trpc: "UNAUTHORIZED" },
  FORBIDDEN: { http: 403, trpc: "FORBIDDEN" },
  NOT_FOUND: { http: 404, trpc: "NOT_FOUND" },
  CONFLICT: { http: 409, trpc: "CONFLICT" },
  PAYLOAD_TOO_LARGE: { http: 413, trpc: "PAYLOAD_TOO_LARGE" },
  RATE_LIMITED: { http: 429, trpc: "TOO_MANY_REQUESTS" },
  UNAVAILABLE: { http: 503, trpc: "SERVICE_UNAVAILABLE" },
  INTERNAL: { http: 500, trpc: "INTERNAL_SERVER_ERROR" },
} as const;

export type TAppErrorCode = keyof typeof appErrorCodes;

export class AppError extends Error {
  readonly code: TAppErrorCode;
  readonly retryAfterSeconds?: number;
  readonly fields?: Record<string, string>;
  /** A finer code for the public REST API, e.g. `stale_epoch` for a CONFLICT. */
  readonly publicCode?: string;

  constructor(
    code: TAppErrorCode,
    message: string,
    extra: { retryAfterSeconds?: number; fields?: Record<string, string>; publicCode?: string } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.fields = extra.fields;
    this.publicCode = extra.publicCode;
  }

  get httpStatus(): number {
    return appErrorCodes[this.code].http;
  }
}

export const notFound = (what = "Not found") => new AppError("NOT_FOUND", what);

// Postgres: admin shutdown / crash shutdown / starting up, too many connections, connection exceptions.
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  // Prisma: cannot reach / timed out / server closed the connection / pool timeout.
  "P1001",
  "P1002",
  "P1017",
  "P2024",
]);
const UNAVAILABLE_TEXT =
  /Can't reach database|connection terminated|terminating connection|Connection is closed|ECONNREFUSED|DatabaseNotReachable|Stream isn't writeable|enableOfflineQueue|Command timed out|max retries per request|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|server closed the connection/i;

/** The error and what it wraps: `cause` chains and Prisma's driver-adapter error (where the Postgres code sits). */
function* errorChain(err: unknown): Generator<{ code?: unknown; message?: unknown; name?: unknown }> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length && seen.size < 10) {
    const e = queue.shift();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    yield e as { code?: unknown; message?: unknown };
    queue.push(o.cause, o.meta?.driverAdapterError);
  }
}

/**
 * Connection failures of Postgres or Redis become 503 so callers retry instead of seeing a 500:
 * refused, reset or terminated connections (a restart or failover) and a pool that stayed full.
 */
export function isUnavailableError(err: unknown): boolean {
  for (const e of errorChain(err)) {
    if (typeof e.code === "string" && UNAVAILABLE_CODES.has(e.code)) return true;
    const text = `${typeof e.name === "string" ? e.name : ""} ${typeof e.message === "string" ? e.message : ""}`;
    if (UNAVAILABLE_TEXT.test(text)) return true;
  }
  return false;
}

/** Turns anything thrown into an AppError that is safe to show: no stack, no SQL, no internals. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isUnavailableError(err))
    return new AppError("UNAVAILABLE", "Koi is temporarily unavailable; retry shortly.", { retryAfterSeconds: 5 });
  const prismaCode = (err as { code?: string })?.code;
  if (prismaCode === "P2002") return new AppError("CONFLICT", "That already exists.");
  if (prismaCode === "P2025") return new AppError("NOT_FOUND", "Not found");
  return new AppError("INTERNAL", "Something went wrong on our side.");
}
