import type { Logger } from "@koi/core/logger";
import type { createRedis } from "@koi/core/redis";
import type { PrismaClient } from "@koi/db";
import { COMPLETED_JOB_RETENTION_SECONDS } from "./job-queues.ts";

type TRedis = ReturnType<typeof createRedis>;

export const redisWipeMarkerKey = (prefix: string) => `${prefix}:worker:redis-epoch`;

/**
 * Postgres is the source of truth: if Redis comes back empty (restart without persistence, flush,
 * failover to an empty replica) the jobs it held are gone. A marker key tells us: when it is missing,
 * every row published within the completed-job retention is marked unpublished again, and the relay
 * re-enqueues it. Jobs that still exist are deduplicated by their id; jobs that already ran are
 * no-ops because handlers are idempotent. The marker is written only after the rows are reset, so
 * a crash in between repeats the (harmless) reset instead of losing work. `onWipe` re-creates what
 * else lived only in Redis (the job schedulers of the repeating sweeps).
 */
export function createRedisWipeGuard(opts: {
  redis: TRedis;
  prefix: string;
  db: PrismaClient;
  log: Logger;
  checkEveryMs?: number;
  onWipe?: () => void;
}) {
  const key = redisWipeMarkerKey(opts.prefix);
  const checkEveryMs = opts.checkEveryMs ?? 5_000;
  let lastCheck = 0;
  return async function checkRedisWipe(now = Date.now()): Promise<void> {
    if (now - lastCheck < checkEveryMs) return;
    lastCheck = now;
    if ((await opts.redis.exists(key)) === 1) return;
    const since = new Date(now - COMPLETED_JOB_RETENTION_SECONDS * 1000);
    const { count } = await opts.db.outboxEvent.updateMany({
      where: { publishedAt: { gte: since } },
      data: { publishedAt: null },
    });
    await opts.redis.set(key, new Date(now).toISOString());
    // The repeating sweeps' schedulers lived in Redis too.
    opts.onWipe?.();
    if (count)
      opts.log.warn({ republished: count }, "Redis has no marker (new or wiped): re-publishing recent outbox rows");
  };
}
