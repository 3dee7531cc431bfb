import type { Logger } from "@koi/core/logger";
import type { PrismaClient } from "@koi/db";
import type { Queue } from "bullmq";
import { jobCatalog } from "@koi/core/job-catalog";
import { outboxPublished } from "@koi/core/metrics/koi-metrics";
import { currentTraceparent, inSpan, SpanKind } from "@koi/core/tracing/trace-context";
import { isJobName, jobOptionsFor } from "./job-queues.ts";
import { planJobPriorities } from "./plan-job-priority.ts";
import { withTraceparent } from "./job-trace.ts";
import { withTimeout } from "./with-timeout.ts";

export type TRelayQueues = ReadonlyMap<string, Pick<Queue, "add">>;

export type TRelayOptions = {
  db: PrismaClient;
  queues: TRelayQueues;
  log: Logger;
  batchSize?: number;
  /** A Redis call slower than this counts as failed; the row is retried (a late success is deduplicated). */
  enqueueTimeoutMs?: number;
};

export type TRelayResult = { claimed: number; published: string[]; failed: { id: string; error: string }[] };

type TClaimedRow = { id: string; jobName: string; jobId: string; payload: unknown; traceparent: string | null };

/** Per-row retry delay after failed enqueues, so a poison row neither blocks the batch nor hammers Postgres. */
export function rowRetryDelayMs(failures: number): number {
  return Math.min(250 * 2 ** Math.max(0, failures - 1), 60_000);
}

/**
 * Moves one batch of unpublished outbox rows into BullMQ. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED` inside a transaction, so several relays (several worker processes) never
 * publish the same row at once; a crash before commit leaves the row unpublished, and publishing it
 * again later is harmless because the job id is deterministic.
 */
export async function relayOutboxOnce(opts: TRelayOptions, skipIds: readonly string[] = []): Promise<TRelayResult> {
  const batchSize = opts.batchSize ?? 100;
  const timeoutMs = opts.enqueueTimeoutMs ?? 5_000;
  return opts.db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<TClaimedRow[]>`
        SELECT "id", "jobName", "jobId", "payload", "traceparent" FROM "OutboxEvent"
        WHERE "publishedAt" IS NULL AND NOT ("id" = ANY(${[...skipIds]}::text[]))
        ORDER BY "createdAt" LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`;
      const priorities = await planJobPriorities(tx, rows);
      const priorityOf = (row: TClaimedRow) =>
        row.jobId === `plan-${(row.payload as { workloadId?: string } | null)?.workloadId}`
          ? priorities.get((row.payload as { workloadId: string }).workloadId)
          : undefined;
      const outcomes = await Promise.all(rows.map((row) => publishRow(opts.queues, row, timeoutMs, priorityOf(row))));
      const published = rows.filter((_, i) => outcomes[i] === null).map((r) => r.id);
      const failed = rows.flatMap((r, i) => (outcomes[i] === null ? [] : [{ id: r.id, error: outcomes[i]! }]));
      if (published.length) {
        await tx.outboxEvent.updateMany({ where: { id: { in: published } }, data: { publishedAt: new Date() } });
      }
      for (const f of failed) {
        await tx.outboxEvent.update({
          where: { id: f.id },
          data: { attempts: { increment: 1 }, lastError: f.error.slice(0, 1000) },
        });
      }
      outboxPublished.inc({ result: "published" }, published.length);
      outboxPublished.inc({ result: "failed" }, failed.length);
      return { claimed: rows.length, published, failed };
    },
    { maxWait: 5_000, timeout: timeoutMs + 15_000 },
  );
}

/** null when the job is in BullMQ (new, or already there under the same id), else the error text. */
async function publishRow(
  queues: TRelayQueues,
  row: TClaimedRow,
  timeoutMs: number,
  priority: number | undefined,
): Promise<string | null> {
  if (!isJobName(row.jobName)) return `unknown job name "${row.jobName}"`;
  const queue = queues.get(jobCatalog[row.jobName].queue);
  if (!queue) return `no queue "${jobCatalog[row.jobName].queue}" in this worker`;
  const jobName = row.jobName;
  // The publish continues the trace of the request that wrote the row; the job carries it on.
  return inSpan(
    `outbox publish ${jobName}`,
    {
      kind: SpanKind.PRODUCER,
      parent: row.traceparent,
      attributes: { "koi.job.name": jobName, "koi.job.id": row.jobId },
    },
    async () => {
      try {
        const data = withTraceparent(row.payload, currentTraceparent());
        await withTimeout(queue.add(jobName, data, jobOptionsFor(jobName, row.jobId, priority)), timeoutMs, "enqueue");
        return null;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  );
}

/** Deletes published rows past the retention (7 days by default): they are history, not work. */
export async function pruneOutbox(db: PrismaClient, now: Date, retentionMs = 7 * 86_400_000): Promise<number> {
  const { count } = await db.outboxEvent.deleteMany({
    where: { publishedAt: { lt: new Date(now.getTime() - retentionMs) } },
  });
  return count;
}

export type TOutboxRelay = { stop(): Promise<void> };

export type TRelayLoopOptions = TRelayOptions & {
  intervalMs?: number;
  pruneEveryMs?: number;
  /** Runs after each pass (the Redis wipe check); an error counts as a failed pass. */
  afterPass?: () => Promise<void>;
};

/** Polls the outbox until stopped: every `intervalMs` when idle, at once while batches come back full. */
export function startOutboxRelay(opts: TRelayLoopOptions): TOutboxRelay {
  const intervalMs = opts.intervalMs ?? 250;
  const pruneEveryMs = opts.pruneEveryMs ?? 10 * 60_000;
  const backoff = new Map<string, { failures: number; until: number }>();
  let stopped = false;
  let wake: (() => void) | undefined;
  let consecutiveErrors = 0;
  let lastPrune = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = async () => {
    while (!stopped) {
      let delay = intervalMs;
      try {
        const now = Date.now();
        for (const [id, b] of backoff) if (b.until <= now) backoff.delete(id);
        const result = await relayOutboxOnce(opts, [...backoff.keys()]);
        for (const f of result.failed) {
          const failures = (backoff.get(f.id)?.failures ?? 0) + 1;
          backoff.set(f.id, { failures, until: Date.now() + rowRetryDelayMs(failures) });
          opts.log.warn({ outboxId: f.id, failures, error: f.error }, "outbox row not published; will retry");
        }
        if (result.published.length) opts.log.debug({ count: result.published.length }, "outbox rows published");
        if (result.claimed === (opts.batchSize ?? 100) && result.failed.length === 0) delay = 0;
        if (now - lastPrune >= pruneEveryMs) {
          lastPrune = now;
          const pruned = await pruneOutbox(opts.db, new Date(now));
          if (pruned) opts.log.info({ pruned }, "pruned published outbox rows");
        }
        await opts.afterPass?.();
        consecutiveErrors = 0;
      } catch (err) {
        consecutiveErrors += 1;
        delay = Math.min(intervalMs * 2 ** consecutiveErrors, 10_000);
        opts.log.error({ err, retryInMs: delay }, "outbox relay pass failed");
      }
      if (!stopped && delay > 0) await sleep(delay);
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
