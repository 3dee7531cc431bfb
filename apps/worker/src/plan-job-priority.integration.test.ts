import { randomBytes } from "node:crypto";
import { createRedis, redisPrefix } from "@koi/core/redis";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { Queue, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relayOutboxOnce } from "./outbox-relay.ts";
import { promoteNextPlan } from "./plan-job-priority.ts";
import { testLog as logger } from "./testing/test-log.ts";

const prefix = `${redisPrefix()}-fair-${randomBytes(3).toString("hex")}`;
const redis = createRedis({ maxRetriesPerRequest: null });
const workloads = new Queue("workloads", { connection: redis, prefix });

beforeAll(async () => {
  // Only this file's rows: everything other files left unpublished is marked long published.
  await prisma.outboxEvent.updateMany({ data: { publishedAt: new Date(Date.now() - 7 * 86_400_000) } });
});

afterAll(async () => {
  await workloads.obliterate({ force: true }).catch(() => undefined);
  await workloads.close();
  redis.disconnect();
});

/** The ids of the next `n` jobs a worker takes from the queue, one at a time. */
async function takeJobs(n: number): Promise<string[]> {
  const order: string[] = [];
  await new Promise<void>((resolve) => {
    const worker = new Worker(
      "workloads",
      async (job) => {
        order.push(job.id!);
        if (order.length === n) void worker.close().then(resolve);
      },
      { connection: createRedis({ maxRetriesPerRequest: null }), prefix, concurrency: 1 },
    );
  });
  return order;
}

/** `n` PENDING workloads of `orgId`, each with its plan-workload outbox row, oldest first. */
async function waitingWorkloads(orgId: string, name: string, n: number, from: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const w = await prisma.workload.create({
      data: {
        orgId,
        name: `${name}-${i}`,
        kind: "batch",
        model: "meta-llama/Llama-3.1-8B-Instruct",
        spec: {},
        createdAt: new Date(from + i * 1000),
      },
    });
    await prisma.outboxEvent.create({
      data: { orgId, jobName: "plan-workload", jobId: `plan-${w.id}`, payload: { workloadId: w.id } },
    });
    ids.push(w.id);
  }
  return ids;
}

describe("plan jobs are taken fairly between organisations", () => {
  it("another organisation's first plan runs right after the busy one's first, not behind its backlog", async () => {
    const [busy, other] = [await createTestOrg(), await createTestOrg()];
    const t0 = Date.now() - 60_000;
    const burst = await waitingWorkloads(busy.id, "burst", 6, t0);
    // Already planned: it holds no place in the line.
    await prisma.workload.update({ where: { id: burst[0]! }, data: { status: "RUNNING" } });
    const [late] = await waitingWorkloads(other.id, "late", 1, t0 + 30_000);
    // A sweep's plan of a waiting workload again: not a submission, so no place in the line.
    await prisma.outboxEvent.create({
      data: {
        orgId: busy.id,
        jobName: "plan-workload",
        jobId: `plan-${burst[5]}-swept`,
        payload: { workloadId: burst[5] },
      },
    });
    await prisma.outboxEvent.create({
      data: {
        orgId: busy.id,
        jobName: "complete-workload",
        jobId: `complete-${burst[1]}`,
        payload: { workloadId: burst[1] },
      },
    });
    for (let pass = 0; pass < 10; pass++)
      if (
        (await relayOutboxOnce({ db: prisma, queues: new Map([["workloads", workloads]]), log: logger })).claimed === 0
      )
        break;

    const priorityOf = async (jobId: string) => (await workloads.getJob(jobId))?.opts.priority;
    expect(await Promise.all(burst.map((id) => priorityOf(`plan-${id}`)))).toEqual([undefined, 1, 2, 3, 4, 5]);
    expect(await priorityOf(`plan-${late}`)).toBe(1);
    expect(await priorityOf(`complete-${burst[1]}`)).toBeUndefined();
    expect(await priorityOf(`plan-${burst[5]}-swept`)).toBeUndefined();

    expect(await takeJobs(8)).toEqual([
      // No priority at all (a stale plan, a sweep's plan, a finished job to record) runs first.
      `plan-${burst[0]}`,
      `plan-${burst[5]}-swept`,
      `complete-${burst[1]}`,
      `plan-${burst[1]}`,
      `plan-${late}`,
      `plan-${burst[2]}`,
      `plan-${burst[3]}`,
      `plan-${burst[4]}`,
    ]);
  });

  it("after an organisation's plan ran, its next waiting plan joins the line at priority 1, whatever rank it was published with", async () => {
    await workloads.obliterate({ force: true });
    const [busy, other] = [await createTestOrg(), await createTestOrg()];
    const t0 = Date.now() - 120_000;
    const relay = () => relayOutboxOnce({ db: prisma, queues: new Map([["workloads", workloads]]), log: logger });
    const a = await waitingWorkloads(busy.id, "a", 4, t0);
    await relay();
    // a0 and a1 were planned: a2 and a3 keep the ranks they were published with (3 and 4).
    for (const id of a.slice(0, 2)) {
      await prisma.workload.update({ where: { id }, data: { status: "RUNNING" } });
      await (await workloads.getJob(`plan-${id}`))!.remove();
    }
    const b = await waitingWorkloads(other.id, "b", 3, t0 + 60_000);
    await relay();
    expect(await promoteNextPlan(workloads, prisma, a[1]!)).toBe("promoted");
    expect((await workloads.getJob(`plan-${a[2]}`))?.priority).toBe(1);
    expect(await promoteNextPlan(workloads, prisma, a[1]!)).toBe("in-line");

    // Without the move a2 (rank 3) would wait behind b0 and b1 (ranks 1 and 2).
    expect(await takeJobs(5)).toEqual([`plan-${b[0]}`, `plan-${a[2]}`, `plan-${b[1]}`, `plan-${b[2]}`, `plan-${a[3]}`]);
  });
});
