import { hostname } from "node:os";
import type { Logger } from "@koi/core/logger";
import { isUnavailableError } from "@koi/core/app-error";
import { repeatingJobs } from "@koi/core/job-catalog";
import { createRedis } from "@koi/core/redis";
import type { PrismaClient } from "@koi/db";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import { env, type TServerEnv } from "@koi/core/env";
import { dispatchJob } from "./dispatch-job.ts";
import { promoteNextPlan } from "./plan-job-priority.ts";
import type { TMailConfig } from "./job-context.ts";
import { jobHandlers, type TJobHandlers } from "./job-handlers.ts";
import { catalogQueues, queueConcurrency } from "./job-queues.ts";
import { collectHealth, startHealthServer, type THealthReport, type THealthServer } from "./health-server.ts";
import { splitTraceparent } from "./job-trace.ts";
import { observeJob } from "./metrics/observe-job.ts";
import { sampleWorkerGauges } from "./metrics/sample-worker-gauges.ts";
import { metricsHandler } from "./metrics/serve-metrics.ts";
import { startOutboxRelay, type TOutboxRelay } from "./outbox-relay.ts";
import { createRedisWipeGuard } from "./redis-wipe-guard.ts";
import { SupervisedWorker, type TProcessor } from "./supervised-worker.ts";

export type TWorkerRuntimeOptions = {
  db: PrismaClient;
  log: Logger;
  /** Key prefix of every Queue and Worker (KOI_REDIS_PREFIX). */
  prefix: string;
  mail: TMailConfig;
  /** null: no health endpoint; 0: any free port (tests). */
  healthPort: number | null;
  /** Interface of the health endpoint (KOI_WORKER_HEALTH_HOST); loopback unless said otherwise. */
  healthHost?: string;
  handlers?: TJobHandlers;
  relay?: { enabled?: boolean; intervalMs?: number };
  /** Re-publish recent outbox rows when Redis comes back empty (default on, checked every 5 s). */
  redisWipeRecovery?: boolean | { checkEveryMs: number };
  watchdog?: { stuckMs?: number; everyMs?: number };
  /** How long SIGTERM waits for in-flight jobs before force-closing. */
  closeGraceMs?: number;
  /** Who may scrape `/metrics` (default: the environment's NODE_ENV and KOI_METRICS_TOKEN). */
  metricsAccess?: Pick<TServerEnv, "NODE_ENV" | "KOI_METRICS_TOKEN">;
};

export type TWorkerRuntime = {
  queues: ReadonlyMap<string, Queue>;
  workers: ReadonlyMap<string, SupervisedWorker>;
  healthPort: number | null;
  health(): Promise<THealthReport>;
  /** Graceful: relay first, then workers (in-flight jobs finish), then connections. Idempotent. */
  stop(): Promise<void>;
};

/** Everything the worker process runs, without the process concerns (env, signals, exit codes). */
export async function startWorkerRuntime(opts: TWorkerRuntimeOptions): Promise<TWorkerRuntime> {
  const { db, log, prefix } = opts;
  const handlers = opts.handlers ?? jobHandlers;
  const closeGraceMs = opts.closeGraceMs ?? 25_000;

  // Producer side (relay, health, watchdog) fails fast while Redis is down; workers wait and retry forever.
  const producer = createRedis({ enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  producer.on("error", (err) => log.debug({ err: err.message }, "redis producer connection error"));
  // BullMQ duplicates this for each Worker. It must not be lazy: a lazy client's first failed connect
  // rejects BullMQ's one-shot init, and a Worker started while Redis is down would never recover.
  const workerTemplate = createRedis({ maxRetriesPerRequest: null });
  workerTemplate.on("error", () => undefined);

  const queues = new Map<string, Queue>();
  for (const name of catalogQueues) {
    const queue = new Queue(name, { connection: producer, prefix });
    queue.on("error", connectionAwareErrorLog(log, name, "queue error"));
    queues.set(name, queue);
  }

  let schedulingTimer = scheduleRepeatingJobs(queues, log);

  // First, so a taken port fails the boot before any job starts.
  const health = () => collectHealth({ db, queues });
  let healthServer: THealthServer | undefined;
  const metrics = metricsHandler(
    opts.metricsAccess ?? env(),
    () => sampleWorkerGauges({ db, queues, health }),
    (err) => log.warn({ err }, "metrics gauges not sampled"),
  );
  if (opts.healthPort !== null)
    healthServer = await startHealthServer(opts.healthPort, health, log, opts.healthHost, metrics);

  const workers = new Map<string, SupervisedWorker>();
  for (const name of catalogQueues) {
    const concurrency = queueConcurrency(name);
    workers.set(
      name,
      new SupervisedWorker({
        queueName: name,
        concurrency,
        log,
        stuckMs: opts.watchdog?.stuckMs ?? 60_000,
        closeGraceMs,
        process: async (job) => {
          const { payload, traceparent } = splitTraceparent(job.data);
          const jobLog = log.child({ queue: name, jobName: job.name, jobId: job.id });
          await observeJob({ queue: name, jobName: job.name, jobId: job.id ?? "", traceparent }, () =>
            dispatchJob(
              handlers,
              { name: job.name, data: payload, jobId: job.id ?? "", attemptsMade: job.attemptsMade },
              { db, log: jobLog, mail: opts.mail },
            ),
          );
          if (job.name === "plan-workload") await moveUpNextPlan(queues.get(name)!, db, payload, jobLog);
        },
        create: (processor) => createWorker(name, processor, { connection: workerTemplate, prefix, concurrency, log }),
      }),
    );
  }

  const wipeGuard =
    opts.redisWipeRecovery === false
      ? undefined
      : createRedisWipeGuard({
          redis: producer,
          prefix,
          db,
          log,
          checkEveryMs: opts.redisWipeRecovery === true ? undefined : opts.redisWipeRecovery?.checkEveryMs,
          onWipe: () => {
            clearInterval(schedulingTimer);
            schedulingTimer = scheduleRepeatingJobs(queues, log);
          },
        });
  const relay: TOutboxRelay | undefined =
    opts.relay?.enabled === false
      ? undefined
      : startOutboxRelay({
          db,
          queues,
          log: log.child({ component: "outbox-relay" }),
          intervalMs: opts.relay?.intervalMs,
          afterPass: wipeGuard,
        });

  const watchdogTimer = setInterval(() => {
    for (const [name, supervised] of workers) {
      supervised
        .check(queues.get(name)!)
        .catch((err: unknown) => log.debug({ queue: name, err }, "watchdog sample failed"));
    }
  }, opts.watchdog?.everyMs ?? 10_000);
  watchdogTimer.unref();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(watchdogTimer);
      clearInterval(schedulingTimer);
      await relay?.stop();
      await Promise.all([...workers.values()].map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      await healthServer?.close();
      producer.disconnect();
      workerTemplate.disconnect();
      opts.mail.mailer?.close();
    })());

  return { queues, workers, healthPort: healthServer?.port ?? null, health, stop };
}

/**
 * Upserts one BullMQ job scheduler per repeating catalog job — harmless to repeat on every boot
 * and in every process. In the background and retried, because Redis may be down at boot.
 */
function scheduleRepeatingJobs(queues: ReadonlyMap<string, Queue>, log: Logger): NodeJS.Timeout {
  const pending = new Set(repeatingJobs);
  const attempt = async () => {
    for (const job of [...pending]) {
      try {
        await queues
          .get(job.queue)!
          .upsertJobScheduler(
            job.name,
            { every: job.everyMs },
            { name: job.name, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
          );
        pending.delete(job);
      } catch (err) {
        log.debug({ err, job: job.name }, "could not schedule repeating job yet");
      }
    }
    if (pending.size === 0) clearInterval(timer);
  };
  const timer = setInterval(() => void attempt(), 5_000);
  timer.unref();
  void attempt();
  return timer;
}

function createWorker(
  queueName: string,
  processor: TProcessor,
  o: { connection: ReturnType<typeof createRedis>; prefix: string; concurrency: number; log: Logger },
): Worker {
  const worker = new Worker(queueName, processor, {
    connection: o.connection,
    prefix: o.prefix,
    concurrency: o.concurrency,
    name: `${hostname()}-${process.pid}`,
  });
  worker.on("error", connectionAwareErrorLog(o.log, queueName, "worker error"));
  worker.on("stalled", (jobId) => o.log.warn({ queue: queueName, jobId }, "job stalled; it will run again"));
  worker.on("failed", (job, err) => {
    const attempts = job?.opts.attempts ?? 1;
    const final =
      !job || err instanceof UnrecoverableError || err.name === "UnrecoverableError" || job.attemptsMade >= attempts;
    const fields = {
      queue: queueName,
      jobId: job?.id,
      jobName: job?.name,
      attemptsMade: job?.attemptsMade,
      attempts,
      err: err.message,
    };
    // Dead letters stay in the failed set (removeOnFail: false) where the admin page and health count show them.
    if (final) o.log.error(fields, "job failed permanently (dead letter)");
    else o.log.warn(fields, "job failed; will retry with backoff");
  });
  return worker;
}

/** Redis being away is a state, not news: say so once per 10 s per queue; log real errors every time. */
function connectionAwareErrorLog(log: Logger, queue: string, msg: string): (err: Error) => void {
  let lastWarnAt = 0;
  return (err) => {
    if (!isUnavailableError(err)) {
      log.error({ queue, err: err.message }, msg);
      return;
    }
    if (Date.now() - lastWarnAt < 10_000) return;
    lastWarnAt = Date.now();
    log.warn({ queue, err: err.message }, "redis unavailable; reconnecting");
  };
}

/**
 * The organisation's next plan joins the line of every organisation's next plans (plan-job-priority.ts).
 * Best effort: the plan itself is done, and a job that moved on meanwhile needs no help.
 */
async function moveUpNextPlan(queue: Queue, db: PrismaClient, payload: unknown, log: Logger): Promise<void> {
  const workloadId = (payload as { workloadId?: unknown } | null)?.workloadId;
  if (typeof workloadId !== "string") return;
  try {
    await promoteNextPlan(queue, db, workloadId);
  } catch (err) {
    log.debug({ err, workloadId }, "next plan not moved up");
  }
}
