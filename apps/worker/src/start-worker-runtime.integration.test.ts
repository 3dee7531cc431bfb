import { randomBytes } from "node:crypto";
import { enqueueViaOutbox } from "@koi/core/outbox";
import { createRedis, redisPrefix } from "@koi/core/redis";
import { hashSecretToken } from "@koi/core/secret-token";
import { prisma } from "@koi/db";
import { createTestOrg, createTestUser } from "@koi/db/factories";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "./job-handlers.ts";
import { startWorkerRuntime, type TWorkerRuntime, type TWorkerRuntimeOptions } from "./start-worker-runtime.ts";
import { testLog } from "./testing/test-log.ts";
import { waitFor } from "./testing/wait-for.ts";

const mail = { appUrl: "http://localhost:3000", from: "Koi <no-reply@koi.test>", mailer: null };
const newPrefix = () => `${redisPrefix()}-rt-${randomBytes(3).toString("hex")}`;

/** A runtime on its own Redis prefix, relaying every 50 ms, without the wipe guard. */
const startRuntime = (over: Partial<TWorkerRuntimeOptions> = {}) =>
  startWorkerRuntime({
    db: prisma,
    log: testLog,
    prefix: newPrefix(),
    mail,
    healthPort: null,
    relay: { intervalMs: 50 },
    redisWipeRecovery: false,
    ...over,
  });

async function createInvitation() {
  const owner = await createTestUser();
  const org = await createTestOrg({ ownerId: owner.id });
  return prisma.invitation.create({
    data: {
      orgId: org.id,
      email: `rt-${randomBytes(4).toString("hex")}@example.test`,
      role: "ADMIN",
      expiresAt: new Date(Date.now() + 86_400_000),
      invitedById: owner.id,
    },
  });
}

describe("worker runtime", () => {
  let runtime: TWorkerRuntime;
  beforeAll(async () => {
    runtime = await startRuntime({ healthPort: 0 });
  });
  afterAll(async () => runtime.stop());

  it("outbox row → relay → job → stored email whose link token matches the row's hash", async () => {
    const invitation = await createInvitation();
    const jobId = `invite-${invitation.id}`;
    await prisma.$transaction((tx) =>
      enqueueViaOutbox(tx, "send-invitation", { invitationId: invitation.id }, { jobId, orgId: invitation.orgId }),
    );

    const message = await waitFor(
      () => prisma.mailMessage.findFirst({ where: { dedupKey: jobId, sentAt: { not: null } } }),
      15_000,
      "the email",
    );
    const token = /\/invite\/accept\?token=([A-Za-z0-9_-]+)/.exec(message.text)![1]!;
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).tokenHash).toBe(
      hashSecretToken(token),
    );
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { jobId } })).publishedAt).not.toBeNull();

    const email = runtime.queues.get("email")!;
    await waitFor(async () => (await email.getJob(jobId))?.finishedOn, 5_000, "job completion");
    const job = await email.getJob(jobId);
    expect(await job!.getState()).toBe("completed");
    expect(JSON.stringify(job!.data)).not.toContain(token);
    expect(job!.data).toEqual({ invitationId: invitation.id });
  });

  it("running the same job again (re-published outbox row) keeps one message and the same token", async () => {
    const invitation = await createInvitation();
    const jobId = `invite-${invitation.id}`;
    await prisma.$transaction((tx) =>
      enqueueViaOutbox(tx, "send-invitation", { invitationId: invitation.id }, { jobId }),
    );
    await waitFor(() => prisma.mailMessage.findFirst({ where: { dedupKey: jobId, sentAt: { not: null } } }));
    const hash = (await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).tokenHash;

    // Force a second run: drop the completed job, then let the relay publish the row again.
    const email = runtime.queues.get("email")!;
    await (await email.getJob(jobId))!.remove();
    await prisma.outboxEvent.update({ where: { jobId }, data: { publishedAt: null } });
    await waitFor(async () => (await email.getJob(jobId))?.finishedOn, 10_000, "second run");

    expect(await prisma.mailMessage.count({ where: { dedupKey: jobId } })).toBe(1);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).tokenHash).toBe(hash);
  });

  it("an invalid payload fails once, without retries, and stays in the failed set", async () => {
    const jobId = `invalid-${randomBytes(4).toString("hex")}`;
    await prisma.outboxEvent.create({ data: { jobName: "send-invitation", jobId, payload: { invitationId: 42 } } });
    const email = runtime.queues.get("email")!;
    await waitFor(async () => (await email.getJob(jobId))?.finishedOn, 10_000, "the job to fail");
    const job = (await email.getJob(jobId))!;
    expect(await job.getState()).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.opts.attempts).toBe(8);
    expect(job.failedReason).toMatch(/invalid payload for send-invitation/);
  });

  it("serves /healthz with queue counts and the outbox backlog", async () => {
    const res = await fetch(`http://127.0.0.1:${runtime.healthPort}/healthz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", checks: { redis: "ok", postgres: "ok" } });
    expect(body.queues.email).toEqual({
      waiting: expect.any(Number),
      active: expect.any(Number),
      failed: expect.any(Number),
      delayed: expect.any(Number),
    });
    expect(body.queues.email.failed).toBeGreaterThanOrEqual(1);
    expect(body.outbox).toEqual({ pending: expect.any(Number), oldestAgeSeconds: expect.any(Number) });
  });
});

describe("graceful stop", () => {
  it("lets an in-flight job finish before closing", async () => {
    let started = false;
    let finished = false;
    const runtime = await startRuntime({
      handlers: {
        ...jobHandlers,
        "send-password-reset": async () => {
          started = true;
          await new Promise((r) => setTimeout(r, 1_500));
          finished = true;
        },
      },
    });
    const prefix = runtime.queues.get("email")!.opts.prefix!;
    const jobId = `slow-${randomBytes(4).toString("hex")}`;
    await prisma.outboxEvent.create({
      data: { jobName: "send-password-reset", jobId, payload: { resetId: "pr_slow" } },
    });
    await waitFor(async () => started, 10_000, "the job to start");
    await runtime.stop();
    expect(finished).toBe(true);

    const redis = createRedis({ maxRetriesPerRequest: null });
    const email = new Queue("email", { connection: redis, prefix });
    try {
      expect(await (await email.getJob(jobId))!.getState()).toBe("completed");
    } finally {
      await email.close();
      redis.disconnect();
    }
  });

  it("stops after the grace period when a job never finishes", async () => {
    let started = false;
    const runtime = await startRuntime({
      log: testLog.child({}, { level: "fatal" }),
      closeGraceMs: 500,
      handlers: {
        ...jobHandlers,
        "send-password-reset": () => {
          started = true;
          return new Promise<void>(() => undefined);
        },
      },
    });
    await prisma.outboxEvent.create({
      data: {
        jobName: "send-password-reset",
        jobId: `hung-${randomBytes(4).toString("hex")}`,
        payload: { resetId: "pr_hung" },
      },
    });
    await waitFor(async () => started, 10_000, "the job to start");
    const stopAt = Date.now();
    await runtime.stop();
    expect(Date.now() - stopAt).toBeLessThan(5_000);
  });
});

describe("watchdog", () => {
  it("replaces a worker that stopped taking jobs while they wait", async () => {
    const runtime = await startRuntime({
      log: testLog.child({}, { level: "fatal" }),
      watchdog: { stuckMs: 1_000, everyMs: 200 },
    });
    try {
      const supervised = runtime.workers.get("email")!;
      await supervised.worker.waitUntilReady();
      // Stands in for the BullMQ bugs where a worker silently stops fetching (connection back, loop dead).
      await supervised.worker.pause(true);
      // A fetch already blocking in Redis when pause() is called can still take one job; let it
      // time out (BullMQ's drainDelay, 5 s) so the worker really stops taking jobs.
      await new Promise((r) => setTimeout(r, 6_000));
      const invitation = await createInvitation();
      const jobId = `invite-${invitation.id}`;
      await prisma.$transaction((tx) =>
        enqueueViaOutbox(tx, "send-invitation", { invitationId: invitation.id }, { jobId }),
      );
      await waitFor(
        () => prisma.mailMessage.findFirst({ where: { dedupKey: jobId, sentAt: { not: null } } }),
        15_000,
        "the replacement worker",
      );
      expect(supervised.recreations).toBe(1);
    } finally {
      await runtime.stop();
    }
  });
});
