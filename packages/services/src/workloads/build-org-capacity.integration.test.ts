import { afterAll, describe, expect, it } from "vitest";
import type { TGpuPool } from "@koi/contracts/agent/heartbeat";
import type { TRegisterRequest } from "@koi/contracts/agent/register";
import { prisma } from "@koi/db";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { registration } from "../agents/test-fixtures.ts";
import { buildOrgCapacity, splitPoolIds } from "./build-org-capacity.ts";
import { previewPlan } from "./preview-plan.ts";
import { submitWorkload } from "./submit-workload.ts";
import { batchSubmission, dropOutboxRows, h100Pool, orgWithAgent } from "./test-fixtures.ts";

afterAll(async () => {
  await dropOutboxRows();
});

async function holdGpus(orgId: string, agentId: string, poolId: string, gpus: number, state = "running") {
  const w = await submitWorkload({ orgId, actorUserId: null, via: "api", submission: batchSubmission() });
  return prisma.assignment.create({
    data: { orgId, agentId, workloadId: w.id, state, placement: { poolId, gpus } },
  });
}

/** A further ONLINE agent of the org, running `engine` and reporting `pools`. */
async function addAgent(orgId: string, engine: TRegisterRequest["engine"], pools: TGpuPool[]) {
  const { agentId } = await registerAgent(orgId, "key_test", registration(engine));
  await recordHeartbeat(orgId, agentId, { inventory: { pools }, assignments: [] });
  return agentId;
}

const poolOf = (agentId: string) => prisma.gpuPool.findFirstOrThrow({ where: { agentId } });

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

  it("names who runs each pool, and which pools run prefill and decode apart", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)], ["pd_disaggregation"]);
    const plainAgentId = await addAgent(org.id, "sim", [h100Pool(4, "h100-plain")]);
    const split = await poolOf(agentId);
    const plain = await poolOf(plainAgentId);

    const capacity = await buildOrgCapacity(org.id);
    expect(splitPoolIds(capacity)).toEqual([split.id]);
    expect(capacity.owners[split.id]).toEqual({
      poolId: split.id,
      agentId,
      engine: "sim",
      clusterName: "us-east",
      gpuType: "H100-SXM",
      market: "on-demand",
      priceSource: "pool",
      total: 8,
      quota: null,
      splitsRoles: true,
    });
    expect(capacity.owners[plain.id]).toMatchObject({ agentId: plainAgentId, splitsRoles: false });
    expect(capacity.capacity.pools.map((p) => p.region)).toEqual(["us-east-1", "us-east-1"]);
  });

  it("for an engine, counts the pools of agents running it or the simulator only", async () => {
    const { org } = await orgWithAgent([h100Pool(8, "sim-pool")]);
    await addAgent(org.id, "orca", [h100Pool(8, "orca-pool")]);
    await addAgent(org.id, "tuna", [h100Pool(8, "tuna-pool")]);
    const engines = async (engine?: "orca" | "tuna") => {
      const { owners } = await buildOrgCapacity(org.id, engine ? { engine } : {});
      return Object.values(owners)
        .map((o) => o.engine)
        .sort();
    };

    expect(await engines("orca")).toEqual(["orca", "sim"]);
    expect(await engines("tuna")).toEqual(["sim", "tuna"]);
    expect(await engines()).toEqual(["orca", "sim", "tuna"]);
  });

  it("leaves out a pool of a GPU type the catalog does not know", async () => {
    const { org } = await orgWithAgent([{ ...h100Pool(8, "mystery"), gpuType: "Z9000" }, h100Pool(8)]);
    expect((await buildOrgCapacity(org.id)).capacity.pools.map((p) => p.gpuType)).toEqual(["H100-SXM"]);
  });

  it("prices a pool without a rate by the org's own override, never another org's", async () => {
    const unpriced = { ...h100Pool(8), pricePerGpuHour: null };
    const { org, agentId } = await orgWithAgent([unpriced]);
    const other = await orgWithAgent([unpriced]);
    await prisma.priceOverride.create({
      data: { orgId: other.org.id, gpuType: "H100-SXM", market: "on-demand", pricePerGpuHour: 1.23 },
    });
    const pool = await poolOf(agentId);

    const catalog = await buildOrgCapacity(org.id);
    expect(catalog.owners[pool.id]?.priceSource).toBe("catalog");
    expect(catalog.capacity.pools[0]?.pricePerGpuHour).not.toBe(1.23);
    const overridden = await buildOrgCapacity(other.org.id);
    expect(overridden.capacity.pools[0]?.pricePerGpuHour).toBe(1.23);
  });

  it("leaves a quota what the org's live assignments there do not hold, and sets none where the engine reports none", async () => {
    const { org, agentId } = await orgWithAgent([{ ...h100Pool(8), quota: 6 }, h100Pool(8, "no-quota")]);
    const capped = await prisma.gpuPool.findFirstOrThrow({ where: { agentId, externalId: "h100-od" } });
    await holdGpus(org.id, agentId, capped.id, 4);

    const pools = (await buildOrgCapacity(org.id)).capacity.pools;
    expect(pools.find((p) => p.id === capped.id)?.quota).toBe(2);
    expect(pools.find((p) => p.id !== capped.id)).not.toHaveProperty("quota");
  });

  it("does not hold the GPUs of ended or paused assignments", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const pool = await poolOf(agentId);
    await holdGpus(org.id, agentId, pool.id, 4, "completed");
    await holdGpus(org.id, agentId, pool.id, 2, "paused");
    expect((await buildOrgCapacity(org.id)).capacity.pools[0]?.available).toBe(8);
  });

  it("keeps GPUs a job paused to lend to an urgent workload for that workload alone", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const pool = await poolOf(agentId);
    const lent = await holdGpus(org.id, agentId, pool.id, 4, "paused");
    const urgent = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: batchSubmission(),
    });
    await prisma.decision.create({
      data: {
        orgId: org.id,
        workloadId: lent.workloadId!,
        kind: "rebalance_pause",
        inputs: { urgentWorkloadId: urgent.id, assignmentId: lent.id },
        plan: {},
        reason: "lent",
      },
    });

    expect((await buildOrgCapacity(org.id)).capacity.pools[0]?.available).toBe(4);
    expect((await buildOrgCapacity(org.id, { forWorkloadId: urgent.id })).capacity.pools[0]?.available).toBe(8);
  });

  it("inside a transaction, counts what that transaction has placed but not yet committed", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const pool = await poolOf(agentId);
    const w = await submitWorkload({ orgId: org.id, actorUserId: null, via: "api", submission: batchSubmission() });
    const available = await prisma.$transaction(async (tx) => {
      await tx.assignment.create({
        data: { orgId: org.id, agentId, workloadId: w.id, state: "running", placement: { poolId: pool.id, gpus: 4 } },
      });
      return (await buildOrgCapacity(org.id, { db: tx })).capacity.pools[0]?.available;
    });
    expect(available).toBe(4);
  });
});
