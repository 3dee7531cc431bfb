import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "@koi/core/app-error";
import { findIdempotencyRecord, saveIdempotencyRecord } from "@koi/services/idempotency/idempotency-records";

const ZKEY = /^[\w.:-]{1,200}$/;

/**
 * Honours `Idempotency-Key` on a POST: the first answer (status + body) is stored per
 * (org, key, route) and replayed for retries with the same body; the same key with a different
 * body is a client error. Without the header the handler simply runs.
 */
export async function idempotentPost(
  opts: { request: Request; orgId: string; route: string; rawBody: string },
  run: () => Promise<{ status: number; body: unknown }>,
): Promise<Response> {
  const key = opts.request.headers.get("idempotency-key");
  if (!key) {
    const result = await run();
    return Response.json(result.body, { status: result.status });
  }
  if (!ZKEY.test(key))
    throw new AppError(
      "BAD_REQUEST",
      "Idempotency-Key must be 1–200 characters of letters, digits, '.', ':', '_' or '-'.",
    );
  const requestHash = createHash("sha256").update(opts.rawBody).digest("hex");
  const scope = { orgId: opts.orgId, key, route: opts.route };
  const previous = await findIdempotencyRecord(scope);
  if (previous) {
    if (previous.requestHash !== requestHash)
      throw new AppError("CONFLICT", "This Idempotency-Key was already used with a different body.");
    return Response.json(previous.responseBody, {
      status: previous.status,
      headers: { "idempotent-replayed": "true" },
    });
  }
  const result = await run();
  // Server errors and rate limits are not answers worth replaying; everything else is.
  if (result.status < 500 && result.status !== 429)
    await saveIdempotencyRecord(scope, { requestHash, status: result.status, body: result.body });
  return Response.json(result.body, { status: result.status });
}
