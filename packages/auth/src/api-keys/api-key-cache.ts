import type { Redis } from "ioredis";
import { createRedis, redisKey } from "@koi/core/redis";
import { logger } from "@koi/core/logger";

export type TCachedKey = {
  id: string;
  orgId: string;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
};

type TEntry = { key: TCachedKey | null; storedAt: number };

const POSITIVE_TTL_MS = 60_000;
// Short, so a key created in another process is usable within seconds.
const NEGATIVE_TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;

export const revocationChannel = () => redisKey("api-key-revoked");

/**
 * In-process cache of key lookups by hash. Revocations arrive over Redis pub/sub and evict at
 * once; while the subscription is down the cache is bypassed (fail closed), so a revoked key is
 * never served from a cache that might have missed the message. A lookup that read the row before a
 * revocation arrived must not cache it after: `set` takes the generation seen before the read and
 * stores nothing if any revocation (or outage) happened since.
 */
export class ApiKeyCache {
  private entries = new Map<string, TEntry>();
  private gen = 0;
  private subscriber: Redis | null = null;
  private subscribed = false;

  start(): void {
    if (this.subscriber) return;
    const sub = createRedis({ maxRetriesPerRequest: null, enableOfflineQueue: true });
    this.subscriber = sub;
    sub.on("ready", () => {
      sub.subscribe(revocationChannel()).then(
        () => {
          this.subscribed = true;
        },
        (err) => logger.warn({ err }, "api-key revocation subscribe failed"),
      );
    });
    sub.on("message", (_channel, keyHash: string) => this.evict(keyHash));
    const down = () => {
      this.subscribed = false;
      this.gen++;
      this.entries.clear();
    };
    sub.on("close", down);
    sub.on("error", down);
  }

  get(keyHash: string, nowMs = Date.now()): TEntry | undefined {
    if (!this.subscribed) return undefined;
    const entry = this.entries.get(keyHash);
    if (!entry) return undefined;
    const ttl = entry.key ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS;
    if (nowMs - entry.storedAt > ttl) {
      this.entries.delete(keyHash);
      return undefined;
    }
    return entry;
  }

  /** Take this before reading the row, and hand it to `set`. */
  generation(): number {
    return this.gen;
  }

  set(keyHash: string, key: TCachedKey | null, generation: number, nowMs = Date.now()): void {
    if (!this.subscribed || generation !== this.gen) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(keyHash, { key, storedAt: nowMs });
  }

  evict(keyHash: string): void {
    this.gen++;
    this.entries.delete(keyHash);
  }

  async stop(): Promise<void> {
    this.subscribed = false;
    this.gen++;
    this.entries.clear();
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = null;
  }
}

const holder = globalThis as unknown as { koiApiKeyCache?: ApiKeyCache };
export function apiKeyCache(): ApiKeyCache {
  holder.koiApiKeyCache ??= new ApiKeyCache();
  holder.koiApiKeyCache.start();
  return holder.koiApiKeyCache;
}
