import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { enqueueViaOutbox } from "@koi/core/outbox";
import { createRedis } from "@koi/core/redis";
import { prisma } from "@koi/db";
import { afterAll, beforeAll, describe, it } from "vitest";
import { jobHandlers } from "./job-handlers.ts";
import { startWorkerRuntime, type TWorkerRuntime } from "./start-worker-runtime.ts";
import { freePort } from "./testing/spawn-worker.ts";
import { testLog } from "./testing/test-log.ts";
import { waitFor } from "./testing/wait-for.ts";

/** A private, non-persistent redis-server (REDIS_URL points at it), so this test can kill and restart it. */
async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const probe = createRedis({ lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  await waitFor(
    () =>
      probe.connect().then(
        () => probe.ping(),
        () => null,
      ),
    10_000,
    "redis-server to start",
  );
  probe.disconnect();
  return child;
}

async function stopRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

const newEntry = () =>
  prisma.waitlistEntry.create({
    data: {
      email: `rr-${randomBytes(4).toString("hex")}@example.test`,
      name: "Kim",
      company: "Acme",
      fleetSize: "1-8",
      workloadType: "BATCH",
    },
  });

async function enqueueConfirmation(entryId: string): Promise<string> {
  const jobId = `waitlist-confirm-${entryId}`;
  await prisma.$transaction((tx) => enqueueViaOutbox(tx, "send-waitlist-confirmation", { entryId }, { jobId }));
  return jobId;
}

const sentMail = (dedupKey: string) => prisma.mailMessage.findFirst({ where: { dedupKey, sentAt: { not: null } } });

describe("Redis restart (no persistence)", () => {
  const savedRedisUrl = process.env.REDIS_URL;
  let port: number;
  let redis: ChildProcess | undefined;
  let runtime: TWorkerRuntime | undefined;
  const resetCalls: number[] = [];
  const ownResetId = `pr_rr_${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    port = await freePort();
    process.env.REDIS_URL = `redis://127.0.0.1:${port}/0`;
  });

  afterAll(async () => {
    await runtime?.stop();
    if (redis) await stopRedisServer(redis);
    process.env.REDIS_URL = savedRedisUrl;
  });

  it("workers start while Redis is down, resume after a restart, and work Redis lost is re-published from Postgres", async () => {
    runtime = await startWorkerRuntime({
      db: prisma,
      // Other test files' outbox rows get re-published here too; their expected failures are noise.
      log: testLog.child({}, { level: "fatal" }),
      prefix: `koi-rr-${randomBytes(3).toString("hex")}`,
      mail: { appUrl: "http://localhost:3000", from: "Koi <no-reply@koi.test>", mailer: null },
      healthPort: null,
      relay: { intervalMs: 50 },
      redisWipeRecovery: { checkEveryMs: 200 },
      watchdog: { stuckMs: 3_000, everyMs: 500 },
      // Bounded stop: other files' leftover jobs must not hold afterAll past its timeout.
      closeGraceMs: 5_000,
      handlers: {
        ...jobHandlers,
        // Fails its first run, so the job sits in BullMQ's delayed set (retry backoff) when Redis dies.
        "send-password-reset": async ({ resetId }) => {
          // Other files' reset jobs are re-published here too (same database); count only ours.
          if (resetId !== ownResetId) return;
          resetCalls.push(Date.now());
          if (resetCalls.length === 1) throw new Error("transient failure");
        },
      },
    });

    // Redis comes up only after the worker started (e.g. compose start order).
    await new Promise((r) => setTimeout(r, 1_000));
    redis = await startRedisServer(port);

    const before = await enqueueConfirmation((await newEntry()).id);
    await waitFor(() => sentMail(before), 20_000, "the email before the restart");

    const retryJobId = `reset-${randomBytes(4).toString("hex")}`;
    await prisma.$transaction((tx) =>
      enqueueViaOutbox(tx, "send-password-reset", { resetId: ownResetId }, { jobId: retryJobId }),
    );
    await waitFor(async () => resetCalls.length === 1, 10_000, "the first, failing run");

    await stopRedisServer(redis);
    // Down long enough for several failed reconnects and the workers' blocking reads to error out.
    await new Promise((r) => setTimeout(r, 3_000));
    redis = await startRedisServer(port);

    const after = await enqueueConfirmation((await newEntry()).id);
    await waitFor(() => sentMail(after), 30_000, "the email after the restart");
    await waitFor(async () => resetCalls.length >= 2, 30_000, "the lost retry to run again");
    // The relay marks the row published after BullMQ took the job, so the job can run first.
    await waitFor(
      async () => (await prisma.outboxEvent.findUniqueOrThrow({ where: { jobId: retryJobId } })).publishedAt !== null,
      10_000,
      "the row to be marked published",
    );
  });
});
