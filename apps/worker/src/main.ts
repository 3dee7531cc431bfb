import { env, type TServerEnv } from "@koi/core/env";
import { logger } from "@koi/core/logger";
import { redisPrefix } from "@koi/core/redis";
import { startTracing } from "@koi/core/tracing/start-tracing";
import { getPrisma } from "@koi/db";
import { createSmtpMailer } from "./email/mailer.ts";
import { catalogQueues, queueConcurrency } from "./job-queues.ts";
import { startWorkerRuntime } from "./start-worker-runtime.ts";

/** The worker process: env check, runtime, signals. Exit 0 after a clean SIGTERM/SIGINT, 1 otherwise. */
async function main(): Promise<void> {
  let config: TServerEnv;
  try {
    config = env();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }

  const log = logger.child({ app: "worker" });
  const tracing = startTracing(process.env.OTEL_SERVICE_NAME ?? "koi-worker");
  const db = getPrisma();
  const runtime = await startWorkerRuntime({
    db,
    log,
    prefix: redisPrefix(),
    mail: {
      appUrl: config.APP_URL,
      from: config.MAIL_FROM,
      mailer: config.SMTP_URL ? createSmtpMailer(config.SMTP_URL) : null,
    },
    healthPort: config.KOI_WORKER_HEALTH_PORT === 0 ? null : config.KOI_WORKER_HEALTH_PORT,
    healthHost: config.KOI_WORKER_HEALTH_HOST,
  });

  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) {
      log.warn({ signal }, "second signal: exiting without waiting for jobs");
      process.exit(1);
    }
    signalled = true;
    log.info({ signal }, "worker stopping: finishing in-flight jobs");
    runtime
      .stop()
      .then(() => db.$disconnect())
      .then(() => tracing?.shutdown())
      .then(() => {
        log.info("worker stopped");
        process.exit(0);
      })
      .catch((err: unknown) => {
        log.error({ err }, "worker shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  const slow = setTimeout(() => log.warn("worker started; waiting for Redis before taking jobs"), 3_000);
  await Promise.all([...runtime.workers.values()].map((w) => w.worker.waitUntilReady()));
  clearTimeout(slow);
  if (signalled) return;
  log.info(
    {
      queues: Object.fromEntries(catalogQueues.map((q) => [q, { concurrency: queueConcurrency(q) }])),
      healthPort: runtime.healthPort,
      mailTransport: config.SMTP_URL ? "smtp" : "store",
      prefix: redisPrefix(),
    },
    "worker ready",
  );
}

main().catch((err: unknown) => {
  logger.fatal({ err }, "worker failed to start");
  process.exit(1);
});
