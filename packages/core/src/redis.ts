import { Redis, type RedisOptions } from "ioredis";

const holder = globalThis as unknown as { koiRedis?: Redis };

export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set");
  return url;
}

/** Every key Koi writes starts with this, so test runs and tenants of one Redis never collide. */
export function redisPrefix(): string {
  return process.env.KOI_REDIS_PREFIX ?? "koi";
}

export function createRedis(options: RedisOptions = {}): Redis {
  return new Redis(redisUrl(), { lazyConnect: false, ...options });
}

/**
 * The shared command connection of web processes. Commands wait briefly for a (re)connect but
 * give up after 2 s, so when Redis is down an API call answers 503 quickly instead of hanging.
 */
export function getRedis(): Redis {
  holder.koiRedis ??= createRedis({ maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 });
  return holder.koiRedis;
}

const CONNECTING = new Set(["wait", "connecting", "connect"]);

/**
 * Waits briefly while a fail-fast connection is still being opened: without it, the first
 * commands of a fresh process are refused (no offline queue) and answer 503. Bounded well under
 * a second, so a Redis that is really down still fails fast.
 */
export async function whenRedisReady(redis: Redis, timeoutMs = 500): Promise<void> {
  if (!CONNECTING.has(redis.status)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once("ready", done);
  });
}

export const redisKey = (...parts: string[]) => [redisPrefix(), ...parts].join(":");
