import { setTimeout as sleep } from "node:timers/promises";
import { AppError } from "@koi/core/app-error";
import { prisma, Prisma } from "@koi/db";

export type TIdempotencyScope = { orgId: string; key: string; route: string };
export type TIdempotentAnswer = { status: number; body: unknown };

/** How long a duplicate waits for the first request's answer before it is told to retry. */
const WAIT_FOR_FIRST_MS = 5_000;
const POLL_MS = 50;
/** A claim this old without an answer belongs to a process that died mid-request: it may be taken over. */
const STALE_CLAIM_MS = 60_000;

/** Claims the key in one statement (INSERT … ON CONFLICT DO NOTHING); true when this request owns it. */
async function claim(scope: TIdempotencyScope, requestHash: string, now: Date): Promise<boolean> {
  await prisma.idempotencyRecord.deleteMany({
    where: { ...scope, status: null, createdAt: { lt: new Date(now.getTime() - STALE_CLAIM_MS) } },
  });
  const { count } = await prisma.idempotencyRecord.createMany({
    data: [{ ...scope, requestHash }],
    skipDuplicates: true,
  });
  return count === 1;
}

/**
 * Runs `run` at most once per (org, key, route): the first request claims the key and stores its
 * answer; a retry gets that answer again (`replayed`); a concurrent duplicate waits for it, and
 * after WAIT_FOR_FIRST_MS gets 409 idempotency_in_progress. The same key with another body is 409.
 * Server errors and rate limits are not answers worth replaying: the claim is released instead.
 */
export async function runIdempotent(
  scope: TIdempotencyScope,
  requestHash: string,
  run: () => Promise<TIdempotentAnswer>,
  now = new Date(),
): Promise<TIdempotentAnswer & { replayed: boolean }> {
  if (await claim(scope, requestHash, now)) {
    let answer: TIdempotentAnswer;
    try {
      answer = await run();
    } catch (err) {
      await release(scope);
      throw err;
    }
    if (answer.status >= 500 || answer.status === 429) await release(scope);
    else
      await prisma.idempotencyRecord.update({
        where: { orgId_key_route: scope },
        data: { status: answer.status, responseBody: (answer.body ?? Prisma.JsonNull) as Prisma.InputJsonValue },
      });
    return { ...answer, replayed: false };
  }
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const first = await prisma.idempotencyRecord.findUnique({ where: { orgId_key_route: scope } });
    // Released (the first request failed) while we waited: this one may run after all.
    if (!first) return runIdempotent(scope, requestHash, run, new Date());
    if (first.requestHash !== requestHash)
      throw new AppError("CONFLICT", "This Idempotency-Key was already used with a different body.", {
        publicCode: "idempotency_conflict",
      });
    if (first.status !== null) return { status: first.status, body: first.responseBody, replayed: true };
    if (Date.now() >= deadline)
      throw new AppError("CONFLICT", "A request with this Idempotency-Key is still running; retry shortly.", {
        publicCode: "idempotency_in_progress",
        retryAfterSeconds: 1,
      });
    await sleep(POLL_MS);
  }
}

function release(scope: TIdempotencyScope) {
  return prisma.idempotencyRecord.deleteMany({ where: { ...scope, status: null } });
}
