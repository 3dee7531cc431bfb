import { z } from "zod";
import { named } from "../registry.ts";

export const ZErrorCode = named(
  "ErrorCode",
  z.enum([
    "bad_request",
    "validation_failed",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "stale_epoch",
    "idempotency_conflict",
    "idempotency_in_progress",
    "length_required",
    "payload_too_large",
    "rate_limited",
    "internal_error",
    "service_unavailable",
  ]),
);
export type TErrorCode = z.infer<typeof ZErrorCode>;

export const ZErrorBody = named(
  "ErrorBody",
  z.strictObject({
    error: z.strictObject({
      code: ZErrorCode,
      message: z.string().min(1).max(1000),
      requestId: z.string().min(1).max(128),
      /** Validation failures: one entry per bad field, path dotted (`commands.0.payload.tp`). */
      issues: z
        .array(z.strictObject({ path: z.string().max(512), message: z.string().max(500) }))
        .max(50)
        .optional(),
    }),
  }),
  "Every 4xx/5xx of /api/v1. Never a stack trace.",
);
export type TErrorBody = z.infer<typeof ZErrorBody>;

/** HTTP status each code is sent with, so server and agent agree on what a status means. */
export const ERROR_STATUS: Record<TErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  stale_epoch: 409,
  idempotency_conflict: 409,
  idempotency_in_progress: 409,
  length_required: 411,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
};

/** Flattens zod issues to the `issues` array of the error body. */
export function issuesFromZod(error: z.ZodError): { path: string; message: string }[] {
  return error.issues
    .slice(0, 50)
    .map((issue) => ({ path: issue.path.map(String).join(".").slice(0, 512), message: issue.message.slice(0, 500) }));
}
