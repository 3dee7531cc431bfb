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

/** Connection failures of Postgres or Redis become 503 so callers retry instead of seeing a 500. */
export function isUnavailableError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  const text = err instanceof Error ? `${err.name} ${err.message}` : "";
  return (
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "ETIMEDOUT" ||
    code === "57P01" ||
    code === "57P03" ||
    /Can't reach database|connection terminated|Connection is closed|ECONNREFUSED|DatabaseNotReachable|Stream isn't writeable|enableOfflineQueue|Command timed out|max retries per request/i.test(
      text,
    )
  );
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
