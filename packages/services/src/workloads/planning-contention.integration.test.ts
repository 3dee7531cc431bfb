import { afterAll, describe, expect, it } from "vitest";
import { ENDED_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { prisma, type Prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { registration } from "../agents/test-fixtures.ts";
import { planWorkload } from "./plan-workload.ts";
import { readPlacement } from "./read-stored-json.ts";
import { replanWorkload } from "./replan-workload.ts";
import { batchSubmission, h100Pool } from "./test-fixtures.ts";

// Every job that places GPUs (a first plan, a replan after a lost assignment) reads the org's free
// GPUs and writes an assignment in one transaction; only the org planning lock keeps two of them
// from reading the same free GPUs. Many at once on a small pool must never hold more than it has.

const orgIds: string[] = [];
afterAll(async () => {
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
  await commandWakeups().stop();
});

const POOL_GPUS = 8;

async function orgWithSmallPool() {
  const org = await createTestOrg();
  orgIds.push(org.id);
  const { agentId } = await registerAgent(org.id, "key_test", registration());
  await recordHeartbeat(org.id, agentId, { inventory: { pools: [h100Pool(POOL_GPUS)] }, assignments: [] });
  // Where the lost assignments ran: gone, and holding none of the pool's GPUs.
  const { agentId: goneAgent } = await registerAgent(org.id, "key_test", registration());
  await prisma.agent.update({ where: { id: goneAgent }, data: { status: "OFFLINE" } });
  return { orgId: org.id, goneAgent };
}

/** One GPU of an 8B model each (20,000 requests due in six hours): the pool fits eight. */
function addWorkload(orgId: string, status: "PENDING" | "RUNNING") {
  const submission = { ...batchSubmission(), deadlineHours: 6 };
  return prisma.workload.create({
    data: {
      orgId,
      name: "contender",
      kind: "batch",
      model: submission.model,
      spec: submission as unknown as Prisma.InputJsonValue,
      status,
      deadlineAt: new Date(Date.now() + 6 * 3600_000),
      progressTotal: 20_000,
    },
  });
}

async function gpusHeld(orgId: string): Promise<number> {
  const live = await prisma.assignment.findMany({
    where: { orgId, state: { notIn: [...ENDED_ASSIGNMENT_STATES] }, agent: { status: "ONLINE" } },
  });
  return live.reduce((n, a) => n + readPlacement(a).gpus, 0);
}

describe("the org planning lock", () => {
  it("16 first plans and replans at once on an 8-GPU pool never hold more than 8 GPUs", async () => {
    const { orgId, goneAgent } = await orgWithSmallPool();
    const pending = await Promise.all(Array.from({ length: 8 }, () => addWorkload(orgId, "PENDING")));
    const lost = await Promise.all(Array.from({ length: 8 }, () => addWorkload(orgId, "RUNNING")));
    for (const w of lost)
      await prisma.assignment.create({
        data: { orgId, agentId: goneAgent, workloadId: w.id, state: "running", progressTotal: 20_000 },
      });

    const outcomes = await Promise.all([
      ...pending.map((w) => planWorkload(w.id)),
      ...lost.map((w) => replanWorkload(w.id, "agent went OFFLINE")),
    ]);

    const dispatched = outcomes.filter((o) => o.outcome === "dispatched").length;
    expect(await gpusHeld(orgId)).toBeLessThanOrEqual(POOL_GPUS);
    // Each dispatched job holds one GPU, and the pool was filled: the rest wait for capacity.
    expect(await gpusHeld(orgId)).toBe(dispatched);
    expect(dispatched).toBe(POOL_GPUS);
    expect(outcomes.filter((o) => o.outcome === "waiting")).toHaveLength(16 - POOL_GPUS);
  });
});
