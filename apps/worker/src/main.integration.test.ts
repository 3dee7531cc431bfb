import { randomBytes } from "node:crypto";
import { enqueueViaOutbox } from "@koi/core/outbox";
import { createRedis, redisPrefix } from "@koi/core/redis";
import { prisma } from "@koi/db";
import { afterAll, describe, expect, it } from "vitest";
import { redisWipeMarkerKey } from "./redis-wipe-guard.ts";
import { freePort, spawnWorker, type TSpawnedWorker } from "./testing/spawn-worker.ts";
import { waitFor } from "./testing/wait-for.ts";

const spawned: TSpawnedWorker[] = [];
afterAll(() => {
  for (const w of spawned) if (w.child.exitCode === null) w.child.kill("SIGKILL");
});

describe("worker process", () => {
  it("refuses to start without its environment, naming what is missing", async () => {
    const env = { ...process.env, DATABASE_URL: "", REDIS_URL: "", AUTH_SECRET: "" };
    const worker = spawnWorker(env);
    spawned.push(worker);
    const { code } = await worker.exited;
    expect(code).toBe(1);
    expect(worker.output()).toContain("Koi cannot start");
    for (const name of ["DATABASE_URL", "REDIS_URL", "AUTH_SECRET"]) expect(worker.output()).toContain(name);
  });

  it("answers /healthz, processes outbox jobs, and exits 0 soon after SIGTERM", async () => {
    const port = await freePort();
    const prefix = `${redisPrefix()}-proc-${randomBytes(3).toString("hex")}`;
    // Mark this Redis namespace as known so the process does not re-publish other tests' rows.
    const redis = createRedis();
    await redis.set(redisWipeMarkerKey(prefix), "test");
    redis.disconnect();

    const worker = spawnWorker({
      ...process.env,
      KOI_REDIS_PREFIX: prefix,
      KOI_WORKER_HEALTH_PORT: String(port),
      LOG_LEVEL: "info",
      SMTP_URL: "",
    });
    spawned.push(worker);
    const health = await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => (r.status === 200 ? r.json() : null),
          () => null,
        ),
      20_000,
      "the health endpoint",
    );
    expect(health).toMatchObject({
      status: "ok",
      queues: { email: { waiting: expect.any(Number) } },
      outbox: { pending: expect.any(Number) },
    });
    await waitFor(async () => worker.output().includes('"msg":"worker ready"'), 10_000, "the ready line");

    const entry = await prisma.waitlistEntry.create({
      data: {
        email: `proc-${randomBytes(4).toString("hex")}@example.test`,
        name: "Lin",
        company: "Acme",
        fleetSize: "1-8",
        workloadType: "ONLINE",
      },
    });
    const jobId = `waitlist-confirm-${entry.id}`;
    await prisma.$transaction((tx) =>
      enqueueViaOutbox(tx, "send-waitlist-confirmation", { entryId: entry.id }, { jobId }),
    );
    await waitFor(
      () => prisma.mailMessage.findFirst({ where: { dedupKey: jobId, sentAt: { not: null } } }),
      15_000,
      "the email",
    );

    const signalledAt = Date.now();
    worker.child.kill("SIGTERM");
    const { code } = await worker.exited;
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect(worker.output()).toContain('"msg":"worker stopped"');
    expect(worker.output()).not.toMatch(/token=/);
  });
});
