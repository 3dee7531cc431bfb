import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { buildOrgCapacity } from "./build-org-capacity.ts";
import { previewPlan } from "./preview-plan.ts";
import { submitWorkload } from "./submit-workload.ts";
import { batchSubmission, dropOutboxRows, h100Pool, orgWithAgent } from "./test-fixtures.ts";

afterAll(async () => {
  await dropOutboxRows();
});

async function holdGpus(orgId: string, agentId: string, poolId: string, gpus: number) {
  const w = await submitWorkload({ orgId, actorUserId: null, via: "api", submission: batchSubmission() });
  await prisma.assignment.create({
    data: { orgId, agentId, workloadId: w.id, state: "running", placement: { poolId, gpus } },
  });
}

describe("buildOrgCapacity", () => {
  it("counts GPUs Koi placed once, whether the engine already reports them busy or not", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const pool = await prisma.gpuPool.findFirstOrThrow({ where: { agentId } });
    await holdGpus(org.id, agentId, pool.id, 4);

    // Still launching: the engine reports all 8 free, Koi knows 4 are taken.
    expect((await buildOrgCapacity(org.id)).capacity.pools[0]?.available).toBe(4);

    // Running: the engine now reports 4 free itself. This used to give 0 (4 − 4 again).
    await recordHeartbeat(org.id, agentId, {
      inventory: { pools: [{ ...h100Pool(8), available: 4 }] },
      assignments: [],
    });
    expect((await buildOrgCapacity(org.id)).capacity.pools[0]?.available).toBe(4);
  });

  it("names each pool after its cluster, GPU and market, and leaves out pools of offline agents", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const cluster = await prisma.cluster.findFirstOrThrow({ where: { orgId: org.id } });
    const [pool] = (await buildOrgCapacity(org.id)).capacity.pools;
    expect(pool?.name).toBe(`${cluster.name}'s H100-SXM on-demand pool`);

    await prisma.agent.update({ where: { id: agentId }, data: { status: "OFFLINE" } });
    const offline = await buildOrgCapacity(org.id);
    expect(offline.capacity.pools).toEqual([]);
    expect(offline.agentsOnline).toBe(0);
  });

  it("passes the machine sizes an engine reports on to the planner's pools", async () => {
    const { org } = await orgWithAgent([{ ...h100Pool(16), replicaSizes: [8] }, h100Pool(8, "h100-any")]);
    const pools = (await buildOrgCapacity(org.id)).capacity.pools;
    expect(pools.map((p) => p.replicaSizes).sort()).toEqual([[8], undefined]);
  });

  it("buys whole machines in a pool whose agent reports its instance shape, priced per machine", async () => {
    const { org, agentId } = await orgWithAgent([
      {
        id: "l40s-g6e",
        gpuType: "L40S",
        market: "on-demand",
        total: 16,
        available: 16,
        quota: null,
        pricePerGpuHour: 2.5,
        shape: { instanceType: "g6e.12xlarge" },
      },
    ]);
    const stored = await prisma.gpuPool.findFirstOrThrow({ where: { agentId } });
    expect(stored.shape).toEqual({ instanceType: "g6e.12xlarge" });

    const { plan, capacity } = await previewPlan(org.id, batchSubmission({ requests: 5000, deadlineHours: 4 }));
    expect(capacity.pools[0]?.shape).toEqual({ instanceType: "g6e.12xlarge" });
    expect(plan.feasible).toBe(true);
    expect(plan.replicas.length).toBeGreaterThan(0);
    for (const r of plan.replicas) {
      expect(r.instanceType).toBe("g6e.12xlarge");
      expect(r.machines).toBeGreaterThanOrEqual(1);
    }
    // Billed as the cloud bills it: 4 × L40S machines at 4 × $2.50 each, whatever the replicas use of them.
    const machines = plan.replicas.reduce((n, r) => n + (r.machines ?? 0), 0);
    expect(plan.costPerHour).toBeCloseTo(machines * 10, 6);
    expect(plan.gpus).toBe(machines * 4);
  });

  it("forgets a shape the agent no longer reports", async () => {
    const pool = { ...h100Pool(8), shape: { gpusPerMachine: 8, interconnect: "nvlink" as const } };
    const { org, agentId } = await orgWithAgent([pool]);
    expect((await buildOrgCapacity(org.id)).capacity.pools[0]?.shape).toEqual(pool.shape);
    await recordHeartbeat(org.id, agentId, {
      inventory: { pools: [{ ...h100Pool(8), available: 7 }] },
      assignments: [],
    });
    expect((await buildOrgCapacity(org.id)).capacity.pools[0]?.shape).toBeUndefined();
  });

  it("leaves out a pool whose machines the planner cannot model (unknown instance type, or another GPU's)", async () => {
    const { org } = await orgWithAgent([
      { ...h100Pool(8, "h100-unknown"), shape: { instanceType: "x9.mystery" } },
      { ...h100Pool(8, "h100-wrong-gpu"), shape: { instanceType: "g6e.12xlarge" } },
      { ...h100Pool(8, "h100-counted"), shape: { instanceType: "x9.mystery", gpusPerMachine: 8 } },
    ]);
    expect((await buildOrgCapacity(org.id)).capacity.pools.map((p) => p.shape)).toEqual([
      { instanceType: "x9.mystery", gpusPerMachine: 8 },
    ]);
  });
});
