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
 * The shared command connection of web processes. It fails fast when Redis is down
 * (no offline queue), so an API call answers 503 quickly instead of hanging.
 */
export function getRedis(): Redis {
  holder.koiRedis ??= createRedis({ enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  return holder.koiRedis;
}

export const redisKey = (...parts: string[]) => [redisPrefix(), ...parts].join(":");
