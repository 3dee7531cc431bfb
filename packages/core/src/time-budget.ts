import type { Redis } from "ioredis";
import { rateLimitRefusals } from "./metrics/koi-metrics.ts";
import { redisKey, whenRedisReady } from "./redis.ts";

/*
 * A budget of milliseconds per identity and fixed window, for work whose cost is known only once it
 * is done (a plan's search time grows with the capacity a tenant reports). Work reserves a share of
 * the budget before it starts, so a burst of concurrent requests cannot all pass a budget none of
 * them has charged yet, and settles what it really took afterwards. Kept in Redis, so every web
 * process draws on the same budget.
 */

export type TTimeBudget = {
  bucket: string;
  identity: string;
  budgetMs: number;
  windowMs: number;
  /** Held from the start of a piece of work until it settles: at most budget ÷ reserve run at once. */
  reserveMs: number;
};
export type TBudgetCheck = { allowed: boolean; spentMs: number; retryAfterSeconds: number };

// Refuses once the window's spending reached the budget; otherwise reserves. The window starts with
// the first reservation: PEXPIRE only where no expiry is set yet.
const RESERVE = `
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
if spent >= tonumber(ARGV[1]) then return {0, spent, redis.call('PTTL', KEYS[1])} end
spent = redis.call('INCRBY', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {1, spent, redis.call('PTTL', KEYS[1])}
`;

// Replaces the reservation by what the work took. A window that ended meanwhile starts afresh at
// what is left (never below zero: a refund is no credit for the next window).
const SETTLE = `
local spent = redis.call('INCRBY', KEYS[1], ARGV[1])
if spent < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL') spent = 0 end
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return spent
`;

type TReserve = (key: string, budgetMs: number, reserveMs: number, windowMs: number) => Promise<unknown>;
type TSettle = (key: string, deltaMs: number, windowMs: number) => Promise<unknown>;
type TBudgetCommands = { koiReserveTime?: TReserve; koiSettleTime?: TSettle };

/** The scripts as named commands: ioredis sends EVALSHA (not the script text) on every call. */
function commands(redis: Redis): Required<TBudgetCommands> {
  const r = redis as Redis & TBudgetCommands;
  if (!r.koiReserveTime) r.defineCommand("koiReserveTime", { numberOfKeys: 1, lua: RESERVE });
  if (!r.koiSettleTime) r.defineCommand("koiSettleTime", { numberOfKeys: 1, lua: SETTLE });
  return { koiReserveTime: r.koiReserveTime!.bind(r), koiSettleTime: r.koiSettleTime!.bind(r) };
}

const keyOf = (b: TTimeBudget) => redisKey("tb", b.bucket, b.identity);

/** Reserves `reserveMs` of the budget for a piece of work, or says when the window ends. */
export async function reserveTimeBudget(redis: Redis, budget: TTimeBudget): Promise<TBudgetCheck> {
  await whenRedisReady(redis);
  const [allowed, spentMs, ttl] = (await commands(redis).koiReserveTime(
    keyOf(budget),
    budget.budgetMs,
    budget.reserveMs,
    budget.windowMs,
  )) as [number, number, number];
  if (allowed !== 1) rateLimitRefusals.inc({ bucket: budget.bucket });
  return {
    allowed: allowed === 1,
    spentMs,
    retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil((ttl > 0 ? ttl : budget.windowMs) / 1000)),
  };
}

/** Replaces a reservation by the milliseconds the work took (rounded up); returns the window's spending. */
export async function settleTimeBudget(redis: Redis, budget: TTimeBudget, tookMs: number): Promise<number> {
  await whenRedisReady(redis);
  const delta = Math.max(1, Math.ceil(tookMs)) - budget.reserveMs;
  return Number(await commands(redis).koiSettleTime(keyOf(budget), delta, budget.windowMs));
}
