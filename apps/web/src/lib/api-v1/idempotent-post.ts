import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "@koi/core/app-error";
import { runIdempotent } from "@koi/services/idempotency/idempotency-records";

const ZKEY = /^[\w.:-]{1,200}$/;

/**
 * Honours `Idempotency-Key` on a POST: the handler runs once per (org, key, route) and its answer
 * is replayed for retries and concurrent duplicates with the same body (runIdempotent); the same
 * key with a different body is a client error. Without the header the handler simply runs.
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
  const answer = await runIdempotent(scope, requestHash, run);
  return Response.json(answer.body, {
    status: answer.status,
    headers: answer.replayed ? { "idempotent-replayed": "true" } : {},
  });
}
