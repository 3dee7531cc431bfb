import { AppError, toAppError } from "@koi/core/app-error";
import { logger } from "@koi/core/logger";

/** The public API's only error shape: `{error:{code,message,requestId}}`, never a stack. */
export function errorResponse(err: unknown, requestId: string, headers: Headers = new Headers()): Response {
  const app = toAppError(err);
  if (app.code === "INTERNAL") logger.error({ err, requestId }, "api request failed");
  if (app.retryAfterSeconds) headers.set("retry-after", String(app.retryAfterSeconds));
  headers.set("x-request-id", requestId);
  const body: { error: { code: string; message: string; requestId: string; fields?: Record<string, string> } } = {
    error: { code: app.code, message: app.message, requestId },
  };
  if (app.fields) body.error.fields = app.fields;
  return Response.json(body, { status: app.httpStatus, headers });
}

export const badRequest = (message: string, fields?: Record<string, string>) => new AppError("BAD_REQUEST", message, { fields });
