import type { TErrorBody, TErrorCode } from "@koi/contracts/agent/errors";
import { AppError, toAppError, type TAppErrorCode } from "@koi/core/app-error";
import { logger } from "@koi/core/logger";

const PUBLIC_CODE: Record<TAppErrorCode, TErrorCode> = {
  BAD_REQUEST: "bad_request",
  UNAUTHORIZED: "unauthorized",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "not_found",
  CONFLICT: "conflict",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  RATE_LIMITED: "rate_limited",
  UNAVAILABLE: "service_unavailable",
  INTERNAL: "internal_error",
};

/** The public API's only error shape: `{error:{code,message,requestId,issues?}}`, never a stack. */
export function errorResponse(err: unknown, requestId: string, headers: Headers = new Headers()): Response {
  const app = toAppError(err);
  if (app.code === "INTERNAL") logger.error({ err, requestId }, "api request failed");
  if (app.retryAfterSeconds) headers.set("retry-after", String(app.retryAfterSeconds));
  headers.set("x-request-id", requestId);
  const code =
    (app.publicCode as TErrorCode | undefined) ??
    (app.code === "BAD_REQUEST" && app.fields ? "validation_failed" : PUBLIC_CODE[app.code]);
  const body: TErrorBody = { error: { code, message: app.message.slice(0, 1000), requestId } };
  // Within ErrorBody's bounds whatever a message quotes back (a 250 KB model name, say).
  if (app.fields)
    body.error.issues = Object.entries(app.fields)
      .slice(0, 50)
      .map(([path, message]) => ({ path: path.slice(0, 512), message: message.slice(0, 500) }));
  return Response.json(body, { status: app.httpStatus, headers });
}

export const badRequest = (message: string, fields?: Record<string, string>) =>
  new AppError("BAD_REQUEST", message, { fields });
