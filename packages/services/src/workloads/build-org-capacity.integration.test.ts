import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { buildOrgCapacity } from "./build-org-capacity.ts";
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
});
