import type { Redis } from "ioredis";
import { rateLimitRefusals } from "./metrics/koi-metrics.ts";
import { redisKey, whenRedisReady } from "./redis.ts";

/*
 * A budget of milliseconds per identity and fixed window, for work whose cost is known only once it
 * is done (a plan's search time grows with the capacity a tenant reports). A request checks the
 * budget before it starts and charges what it took after; so one request may overrun the budget by
 * its own length, never by more. Kept in Redis, so every web process draws on the same budget.
 */

export type TTimeBudget = { bucket: string; identity: string; budgetMs: number; windowMs: number };
export type TBudgetCheck = { allowed: boolean; spentMs: number; retryAfterSeconds: number };

// The window starts with the first charge: PEXPIRE only where no expiry is set yet.
const CHARGE = `
local spent = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return spent
`;

type TCharge = (key: string, ms: number, windowMs: number) => Promise<unknown>;

/** The script as a named command: ioredis sends EVALSHA (not the script text) on every charge. */
function charge(redis: Redis): TCharge {
  const r = redis as Redis & { koiChargeTime?: TCharge };
  if (!r.koiChargeTime) r.defineCommand("koiChargeTime", { numberOfKeys: 1, lua: CHARGE });
  return r.koiChargeTime!.bind(r);
}

const keyOf = (b: TTimeBudget) => redisKey("tb", b.bucket, b.identity);

export async function checkTimeBudget(redis: Redis, budget: TTimeBudget): Promise<TBudgetCheck> {
  await whenRedisReady(redis);
  const [[, spent], [, ttl]] = (await redis.multi().get(keyOf(budget)).pttl(keyOf(budget)).exec()) as [
    [null, string | null],
    [null, number],
  ];
  const spentMs = Number(spent ?? 0);
  const allowed = spentMs < budget.budgetMs;
  if (!allowed) rateLimitRefusals.inc({ bucket: budget.bucket });
  return {
    allowed,
    spentMs,
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((ttl > 0 ? ttl : budget.windowMs) / 1000)),
  };
}

/** Adds `ms` (rounded up to whole milliseconds) to what the identity spent in the current window. */
export async function chargeTimeBudget(redis: Redis, budget: TTimeBudget, ms: number): Promise<number> {
  await whenRedisReady(redis);
  return Number(await charge(redis)(keyOf(budget), Math.max(1, Math.ceil(ms)), budget.windowMs));
}
