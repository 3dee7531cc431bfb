import type { Redis } from "ioredis";
import { rateLimitRefusals } from "./metrics/koi-metrics.ts";
import { redisKey, whenRedisReady } from "./redis.ts";

export type TRateLimitResult = {
  allowed: boolean;
  /** What `forgetRateLimitHit` needs to take this hit back. */
  hit: { key: string; member: string };
  limit: number;
  remaining: number;
  retryAfterSeconds: number;
  resetAtMs: number;
};

// Sliding-window log in one sorted set: drop entries older than the window, count, then add.
// Run as one Lua script so concurrent requests cannot both slip under the limit.
const SLIDING_WINDOW = `
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, 0, now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, count, tonumber(oldest[2])}
end
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, window)
return {1, count + 1, now}
`;

type TSlidingWindow = (key: string, nowMs: number, windowMs: number, limit: number, member: string) => Promise<unknown>;

/** The script as a named command: ioredis sends EVALSHA (not the script text) on every hit. */
function slidingWindow(redis: Redis): TSlidingWindow {
  const r = redis as Redis & { koiSlidingWindow?: TSlidingWindow };
  if (!r.koiSlidingWindow) r.defineCommand("koiSlidingWindow", { numberOfKeys: 1, lua: SLIDING_WINDOW });
  return r.koiSlidingWindow!.bind(r);
}

export async function hitRateLimit(
  redis: Redis,
  bucket: string,
  identity: string,
  limit: number,
  windowMs: number,
  nowMs = Date.now(),
): Promise<TRateLimitResult> {
  await whenRedisReady(redis);
  const member = `${nowMs}-${Math.random().toString(36).slice(2)}`;
  const key = redisKey("rl", bucket, identity);
  const reply = await slidingWindow(redis)(key, nowMs, windowMs, limit, member);
  const [allowed, count, oldest] = reply as [number, number, number];
  const resetAtMs = oldest + windowMs;
  if (allowed !== 1) rateLimitRefusals.inc({ bucket });
  return {
    allowed: allowed === 1,
    hit: { key, member },
    limit,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil((resetAtMs - nowMs) / 1000)),
    resetAtMs,
  };
}

/**
 * Takes back one allowed hit, for limits on attempts that should count only when they fail (a
 * sign-in with the right password): counting first keeps concurrent attempts from slipping under
 * the limit, forgetting afterwards keeps successes from using it up.
 */
export async function forgetRateLimitHit(redis: Redis, result: TRateLimitResult): Promise<void> {
  await redis.zrem(result.hit.key, result.hit.member);
}
