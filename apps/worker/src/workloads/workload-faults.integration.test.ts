import { randomBytes } from "node:crypto";
import { ackCommand } from "@koi/services/agents/ack-command";
import { commandWakeups } from "@koi/services/agents/command-wakeups";
import { claimCommands } from "@koi/services/agents/lease-commands";
import { recordReport } from "@koi/services/agents/record-report";
import { recordHeartbeat } from "@koi/services/agents/record-heartbeat";
import { planWorkload } from "@koi/services/workloads/plan-workload";
import { replanWorkload } from "@koi/services/workloads/replan-workload";
import { submitWorkload } from "@koi/services/workloads/submit-workload";
import {
  batchSubmission,
  h100Pool,
  liveAssignment,
  orgWithAgent,
  report,
  dropOutboxRows,
} from "@koi/services/workloads/test-fixtures";
import { createRedis } from "@koi/core/redis";
import { prisma } from "@koi/db";
import { afterAll, describe, expect, it } from "vitest";
import { redisWipeMarkerKey } from "../redis-wipe-guard.ts";
import { spawnWorker, type TSpawnedWorker } from "../testing/spawn-worker.ts";
import { waitFor } from "../testing/wait-for.ts";

const spawned: TSpawnedWorker[] = [];
const orgsMade: string[] = [];
const redis = createRedis();
afterAll(async () => {
  // The throwaway database is shared by every file of the run: leave no workloads behind for
  // other files' workers and sweeps to pick up.
  await prisma.organization.deleteMany({ where: { id: { in: orgsMade } } });
  await dropOutboxRows();
  for (const w of spawned) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
  await commandWakeups().stop();
  redis.disconnect();
});

/** A Redis namespace of its own, marked as known so the workers do not re-publish other tests' outbox rows. */
async function freshPrefix(label: string): Promise<string> {
  const prefix = `${process.env.KOI_REDIS_PREFIX}-${label}-${randomBytes(3).toString("hex")}`;
  await redis.set(redisWipeMarkerKey(prefix), "test");
  return prefix;
}

function startWorker(prefix: string, logLevel = "warn"): TSpawnedWorker {
  const worker = spawnWorker({
    ...process.env,
    KOI_REDIS_PREFIX: prefix,
    KOI_WORKER_HEALTH_PORT: "0",
    LOG_LEVEL: logLevel,
    SMTP_URL: "",
  });
  spawned.push(worker);
  return worker;
}

/** Deletes every key of one run's namespace (never FLUSHALL: other runs share this Redis). */
async function deleteKeys(prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== "0");
  return deleted;
}

/** The fake agent keeps heartbeating, or the liveness sweep would (rightly) replan all its work. */
function keepAlive(orgId: string, agentId: string): () => void {
  const timer = setInterval(
    () => void recordHeartbeat(orgId, agentId, { inventory: null, assignments: [] }).catch(() => undefined),
    5_000,
  );
  return () => clearInterval(timer);
}

async function statusCounts(orgId: string) {
  const rows = await prisma.workload.groupBy({ by: ["status"], where: { orgId }, _count: true });
  return Object.fromEntries(rows.map((r) => [r.status, r._count])) as Record<string, number>;
}

async function expectOneDeployEach(orgId: string, n: number) {
  const perWorkload = await prisma.$queryRaw<{ deploys: number; decisions: number; assignments: number }[]>`
    SELECT (SELECT count(*) FROM "Command" c JOIN "Assignment" a ON a.id = c."assignmentId" WHERE a."workloadId" = w.id AND c.type = 'deploy')::int AS deploys,
           (SELECT count(*) FROM "Decision" d WHERE d."workloadId" = w.id)::int AS decisions,
           (SELECT count(*) FROM "Assignment" a WHERE a."workloadId" = w.id)::int AS assignments
    FROM "Workload" w WHERE w."orgId" = ${orgId}`;
  expect(perWorkload).toHaveLength(n);
  expect(perWorkload.filter((r) => r.deploys !== 1 || r.decisions !== 1 || r.assignments !== 1)).toEqual([]);
}

describe("workload pipeline under faults", () => {
  it(
    "(a) two workers, one SIGKILLed every ~2 s: 1,000 workloads each get exactly one deploy",
    { timeout: 240_000 },
    async () => {
      const N = 1_000;
      const prefix = await freshPrefix("kill");
      const { org, agentId } = await orgWithAgent([h100Pool(1_200, "h100-a"), h100Pool(1_200, "h100-b")]);
      orgsMade.push(org.id);
      const stopHeartbeats = keepAlive(org.id, agentId);
      const stable = startWorker(prefix);
      // The victim logs at info, so we see it become ready and the plan jobs it ran before each kill.
      let victim = startWorker(prefix, "info");
      let kills = 0;
      let victimPlans = 0;
      let stop = false;
      const killer = (async () => {
        while (!stop) {
          await waitFor(
            async () => stop || victim.output().includes("worker ready") || victim.child.exitCode !== null,
            20_000,
            "the victim worker to boot",
          ).catch(() => undefined);
          // Killed in the middle of its work: once it has taken a plan job (on a loaded machine that
          // can take longer than the second or two it is given), or after 10 s whatever it did.
          await waitFor(
            async () => stop || victim.output().includes('"msg":"plan-workload"') || victim.child.exitCode !== null,
            10_000,
            "the victim worker to take a plan job",
          ).catch(() => undefined);
          await new Promise((r) => setTimeout(r, 1_000 + Math.random() * 1_000));
          if (stop) break;
          victim.child.kill("SIGKILL");
          await victim.exited;
          kills++;
          victimPlans += victim.output().split('"msg":"plan-workload"').length - 1;
          victim = startWorker(prefix, "info");
        }
      })();
      for (let i = 0; i < N; i++)
        await submitWorkload({
          orgId: org.id,
          actorUserId: null,
          via: "api",
          submission: batchSubmission({ requests: 2_000, name: `kill-${i}` }),
        });
      await waitFor(
        async () => (await statusCounts(org.id)).DISPATCHING === N,
        200_000,
        `all ${N} workloads DISPATCHING`,
      ).catch(async (err: unknown) => {
        throw new Error(
          `${String(err)}; counts ${JSON.stringify(await statusCounts(org.id))}; stable worker output: ${stable.output().slice(-2000)}`,
        );
      });
      stop = true;
      stopHeartbeats();
      await killer;
      expect(kills).toBeGreaterThanOrEqual(2);
      expect(victimPlans).toBeGreaterThan(0);
      await expectOneDeployEach(org.id, N);
      victim.child.kill("SIGKILL");
      stable.child.kill("SIGTERM");
      await stable.exited;
    },
  );

  it(
    "(b) Redis keys deleted mid-run: within 30 s every pending workload is queued again and a finished one completes; all are then planned",
    { timeout: 240_000 },
    async () => {
      const N = 200;
      const prefix = await freshPrefix("flush");
      const { org, agentId } = await orgWithAgent([h100Pool(400)]);
      orgsMade.push(org.id);
      const stopHeartbeats = keepAlive(org.id, agentId);
      // A workload whose completion job is lost with Redis: its assignment reported `completed`.
      const finished = await submitWorkload({
        orgId: org.id,
        actorUserId: null,
        via: "api",
        submission: batchSubmission({ requests: 100 }),
      });
      await planWorkload(finished.id);
      const fa = await liveAssignment(finished.id);
      const [deploy] = await claimCommands(agentId);
      await ackCommand(org.id, agentId, deploy!.id, { status: "accepted" });
      await recordReport(
        org.id,
        fa.id,
        report({ seq: 0, state: "completed", completed: 100, total: 100, at: new Date(), costUsd: 3 }),
      );
      await prisma.outboxEvent.updateMany({
        where: { jobId: `complete-${finished.id}` },
        data: { publishedAt: new Date(Date.now() - 2 * 86_400_000) },
      });

      const worker = startWorker(prefix);
      for (let i = 0; i < N; i++)
        await submitWorkload({
          orgId: org.id,
          actorUserId: null,
          via: "api",
          submission: batchSubmission({ requests: 2_000, name: `flush-${i}` }),
        });
      await waitFor(async () => ((await statusCounts(org.id)).DISPATCHING ?? 0) >= 20, 60_000, "planning to start");
      // Before the deletion: the relay may re-publish rows while the keys are still being scanned.
      const flushedAt = Date.now();
      const deleted = await deleteKeys(prefix);
      expect(deleted).toBeGreaterThan(0);
      const pendingNotRequeued = async () => {
        const pending = await prisma.workload.findMany({
          where: { orgId: org.id, id: { not: finished.id }, status: { not: "DISPATCHING" } },
          select: { id: true },
        });
        const requeued = await prisma.outboxEvent.count({
          where: { jobId: { in: pending.map((w) => `plan-${w.id}`) }, publishedAt: { gte: new Date(flushedAt) } },
        });
        return pending.length - requeued;
      };
      // Recovery is bounded by the wipe guard and the relay, not by how fast this machine plans:
      // within 30 s every pending workload's plan job is on the queue again and the finished one
      // is completed by the reconcile sweep; planning them all may take longer on a slow machine.
      await Promise.all([
        waitFor(
          async () => (await pendingNotRequeued()) === 0,
          30_000,
          "every pending plan job to be enqueued again",
        ).catch(async (err: unknown) => {
          throw new Error(
            `${String(err)}; ${await pendingNotRequeued()} not re-enqueued; output: ${worker.output().slice(-2000)}`,
          );
        }),
        waitFor(
          () => prisma.workload.findFirst({ where: { id: finished.id, status: "COMPLETED" } }),
          30_000,
          "the finished workload to complete (reconcile)",
        ),
      ]);
      expect(Date.now() - flushedAt).toBeLessThan(30_000);
      await waitFor(
        async () => (await statusCounts(org.id)).DISPATCHING === N,
        90_000,
        "every pending workload to be planned after the flush",
      ).catch(async (err: unknown) => {
        throw new Error(
          `${String(err)}; counts ${JSON.stringify(await statusCounts(org.id))}; output: ${worker.output().slice(-2000)}`,
        );
      });
      const counts = await prisma.$queryRaw<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM "Command" c JOIN "Assignment" a ON a.id = c."assignmentId" JOIN "Workload" w ON w.id = a."workloadId" WHERE w."orgId" = ${org.id} AND c.type = 'deploy'`;
      expect(counts[0]!.n).toBe(N + 1);
      stopHeartbeats();
      worker.child.kill("SIGTERM");
      await worker.exited;
    },
  );

  it("(c) an agent paused past its lease gets the command again; after a replan its old epoch is refused with nothing written", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(16)]);
    orgsMade.push(org.id);
    const w = await submitWorkload({ orgId: org.id, actorUserId: null, via: "api", submission: batchSubmission() });
    await planWorkload(w.id);
    const [leased] = await claimCommands(agentId);
    expect(await claimCommands(agentId)).toHaveLength(0);
    // The agent stalls past the 60 s lease: the next claim redelivers the same command.
    const [again] = await claimCommands(agentId, new Date(Date.now() + 61_000));
    expect(again?.id).toBe(leased!.id);
    expect(again?.attempts).toBe(2);

    const old = await liveAssignment(w.id);
    expect((await replanWorkload(w.id, "agent stalled", old.id)).outcome).toBe("dispatched");
    const before = {
      reports: await prisma.assignmentReport.count(),
      usage: await prisma.usageRecord.count(),
      workload: await prisma.workload.findUniqueOrThrow({ where: { id: w.id } }),
    };
    await expect(
      ackCommand(org.id, agentId, leased!.id, { status: "accepted", engineRef: "late" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(
      recordReport(org.id, old.id, report({ seq: 0, completed: 10, total: 20_000, at: new Date() })),
    ).rejects.toMatchObject({ code: "CONFLICT", publicCode: "stale_epoch" });
    expect(await prisma.assignmentReport.count()).toBe(before.reports);
    expect(await prisma.usageRecord.count()).toBe(before.usage);
    const after = await prisma.workload.findUniqueOrThrow({ where: { id: w.id } });
    expect({ status: after.status, progressDone: after.progressDone, costUsd: after.costUsd }).toEqual({
      status: before.workload.status,
      progressDone: before.workload.progressDone,
      costUsd: before.workload.costUsd,
    });
    expect((await prisma.command.findUniqueOrThrow({ where: { id: leased!.id } })).engineRef).toBeNull();
  });
});
