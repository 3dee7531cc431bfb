import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "@koi/core/app-error";
import { runIdempotent } from "@koi/services/idempotency/idempotency-records";

const ZKEY = /^[\w.:-]{1,200}$/;

/**
 * Honours `Idempotency-Key` on a POST: the handler runs once per (org, API key, path, key) and its
 * answer is replayed for retries and concurrent duplicates with the same body (runIdempotent); the
 * same key with a different body is a client error. Without the header the handler simply runs.
 * The API key and the path (with the agent, command or assignment id in it) are part of the scope:
 * koi-agent's keys are predictable (`report:<assignment>:<epoch>:<seq>`), and another key of the
 * org claiming one first, on any path, would otherwise turn the agent's real request into a 409.
 */
export async function idempotentPost(
  opts: { request: Request; orgId: string; apiKeyId: string; route: string; rawBody: string },
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
  const path = new URL(opts.request.url).pathname;
  const scope = { orgId: opts.orgId, key, route: `${opts.route} ${opts.apiKeyId} ${path}` };
  const answer = await runIdempotent(scope, requestHash, run);
  return Response.json(answer.body, {
    status: answer.status,
    headers: answer.replayed ? { "idempotent-replayed": "true" } : {},
  });
}
