import { randomBytes } from "node:crypto";
import { testLog as logger } from "./testing/test-log.ts";
import { createRedis, redisPrefix } from "@koi/core/redis";
import { createPrismaClient, prisma, type PrismaClient } from "@koi/db";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relayOutboxOnce, pruneOutbox, type TRelayOptions } from "./outbox-relay.ts";
import { createRedisWipeGuard, redisWipeMarkerKey } from "./redis-wipe-guard.ts";

const prefix = `${redisPrefix()}-relay-${randomBytes(3).toString("hex")}`;
const redis = createRedis({ maxRetriesPerRequest: null });
const email = new Queue("email", { connection: redis, prefix });
const queues = new Map([["email", email]]);
const extraClients: PrismaClient[] = [];

const rand = () => randomBytes(6).toString("hex");
const row = (patch: Partial<{ jobName: string; payload: object; publishedAt: Date | null; jobId: string }> = {}) => {
  const jobId = patch.jobId ?? `relay-test-${rand()}`;
  return { jobName: "send-waitlist-confirmation", jobId, payload: { entryId: `wl_${rand()}` }, ...patch };
};

beforeAll(async () => {
  // Other test files' jobs (workload pipeline, REST submissions) are for queues this relay does not
  // have: mark them all — unpublished or recently published — long published, so these tests see
  // only their own rows (the wipe guard re-publishes the last day's rows).
  await prisma.outboxEvent.updateMany({ data: { publishedAt: new Date(Date.now() - 7 * 86_400_000) } });
  extraClients.push(createPrismaClient(process.env.DATABASE_URL!), createPrismaClient(process.env.DATABASE_URL!));
});

afterAll(async () => {
  await email.obliterate({ force: true }).catch(() => undefined);
  await email.close();
  redis.disconnect();
  await Promise.all(extraClients.map((c) => c.$disconnect()));
});

/** Drains everything unpublished with one relay; returns the ids it published. */
async function drain(opts: TRelayOptions): Promise<string[]> {
  const published: string[] = [];
  // Bounded: a row that can never be published must fail the test, not hang it.
  for (let pass = 0; pass < 500; pass++) {
    const r = await relayOutboxOnce(opts);
    published.push(...r.published);
    if (r.claimed === 0) return published;
  }
  throw new Error("the outbox never drained");
}

describe("outbox relay", () => {
  it("two relays running at once publish every row exactly once, under its own job id", async () => {
    const rows = Array.from({ length: 240 }, () => row());
    await prisma.outboxEvent.createMany({ data: rows });
    const mine = await prisma.outboxEvent.findMany({ where: { jobId: { in: rows.map((r) => r.jobId) } } });

    const [a, b] = await Promise.all(extraClients.map((db) => drain({ db, queues, log: logger, batchSize: 15 })));
    expect(a!.length).toBeGreaterThan(0);
    expect(b!.length).toBeGreaterThan(0);
    const all = [...a!, ...b!];
    expect(new Set(all).size).toBe(all.length);
    for (const m of mine) expect(all).toContain(m.id);

    const after = await prisma.outboxEvent.findMany({ where: { id: { in: mine.map((m) => m.id) } } });
    expect(after.every((r) => r.publishedAt !== null && r.attempts === 0)).toBe(true);
    const job = await email.getJob(rows[0]!.jobId);
    expect(job).toMatchObject({ name: "send-waitlist-confirmation", data: rows[0]!.payload, opts: { attempts: 8 } });
    expect(job!.opts.backoff).toMatchObject({ type: "exponential", delay: 2000 });
  });

  it("publishing the same job id again is harmless", async () => {
    const r = row();
    const created = await prisma.outboxEvent.create({ data: r });
    await drain({ db: prisma, queues, log: logger });
    const before = await email.getJobCounts("waiting");
    await prisma.outboxEvent.update({ where: { id: created.id }, data: { publishedAt: null } });
    const again = await drain({ db: prisma, queues, log: logger });
    expect(again).toContain(created.id);
    expect(await email.getJobCounts("waiting")).toEqual(before);
  });

  it("records failed enqueues on the row and leaves it for a later pass, without holding up the rest", async () => {
    const good = await prisma.outboxEvent.create({ data: row() });
    const unknown = await prisma.outboxEvent.create({ data: row({ jobName: "send-carrier-pigeon" }) });
    const first = await relayOutboxOnce({ db: prisma, queues, log: logger });
    expect(first.published).toContain(good.id);
    expect(first.failed).toContainEqual({ id: unknown.id, error: 'unknown job name "send-carrier-pigeon"' });
    expect(await prisma.outboxEvent.findUniqueOrThrow({ where: { id: unknown.id } })).toMatchObject({
      publishedAt: null,
      attempts: 1,
      lastError: 'unknown job name "send-carrier-pigeon"',
    });

    const down = await prisma.outboxEvent.create({ data: row() });
    const brokenQueues = new Map([["email", { add: async () => Promise.reject(new Error("Connection is closed.")) }]]);
    const second = await relayOutboxOnce({ db: prisma, queues: brokenQueues, log: logger }, [unknown.id]);
    expect(second.failed.map((f) => f.id)).toEqual([down.id]);
    expect(await prisma.outboxEvent.findUniqueOrThrow({ where: { id: down.id } })).toMatchObject({
      publishedAt: null,
      attempts: 1,
      lastError: "Connection is closed.",
    });

    const hanging = new Map([["email", { add: () => new Promise<never>(() => undefined) }]]);
    const third = await relayOutboxOnce({ db: prisma, queues: hanging, log: logger, enqueueTimeoutMs: 100 }, [
      unknown.id,
    ]);
    expect(third.failed).toEqual([{ id: down.id, error: "enqueue timed out after 100 ms" }]);

    expect((await relayOutboxOnce({ db: prisma, queues, log: logger }, [unknown.id])).published).toEqual([down.id]);
    await prisma.outboxEvent.delete({ where: { id: unknown.id } });
  });

  it("prunes published rows older than 7 days only", async () => {
    const now = new Date();
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const old = await prisma.outboxEvent.create({ data: row({ publishedAt: daysAgo(8) }) });
    const recent = await prisma.outboxEvent.create({ data: row({ publishedAt: daysAgo(6) }) });
    const pending = await prisma.outboxEvent.create({ data: { ...row(), createdAt: daysAgo(9) } });
    expect(await pruneOutbox(prisma, now)).toBeGreaterThanOrEqual(1);
    const left = await prisma.outboxEvent.findMany({ where: { id: { in: [old.id, recent.id, pending.id] } } });
    expect(left.map((r) => r.id).sort()).toEqual([recent.id, pending.id].sort());
    await prisma.outboxEvent.delete({ where: { id: pending.id } });
  });

  it("re-publishes the last day's rows when Redis comes back empty (marker missing), once", async () => {
    const wipePrefix = `${prefix}-wipe`;
    const hourAgo = await prisma.outboxEvent.create({ data: row({ publishedAt: new Date(Date.now() - 3_600_000) }) });
    const twoDaysAgo = await prisma.outboxEvent.create({
      data: row({ publishedAt: new Date(Date.now() - 2 * 86_400_000) }),
    });
    const guard = createRedisWipeGuard({ redis, prefix: wipePrefix, db: prisma, log: logger, checkEveryMs: 0 });

    await guard();
    expect(await redis.exists(redisWipeMarkerKey(wipePrefix))).toBe(1);
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { id: hourAgo.id } })).publishedAt).toBeNull();
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { id: twoDaysAgo.id } })).publishedAt).not.toBeNull();

    await prisma.outboxEvent.update({ where: { id: hourAgo.id }, data: { publishedAt: new Date() } });
    await guard();
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { id: hourAgo.id } })).publishedAt).not.toBeNull();

    await redis.del(redisWipeMarkerKey(wipePrefix));
    await guard();
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { id: hourAgo.id } })).publishedAt).toBeNull();
    await drain({ db: prisma, queues, log: logger });
  });
});
