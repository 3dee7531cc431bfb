import { afterAll, describe, expect, it } from "vitest";
import { deployedWorkload, dropOutboxRows, h100Pool, orgWithAgent } from "../workloads/test-fixtures.ts";
import { getAgent } from "./get-agent.ts";
import { findFleet } from "./list-fleet.ts";

afterAll(dropOutboxRows);

describe("fleet pages: pools the planner leaves out say why", () => {
  it("an unknown instance type, another GPU's instance type and an unknown GPU each carry their reason", async () => {
    const { org, agentId } = await orgWithAgent([
      { ...h100Pool(8, "a-planned"), shape: { instanceType: "p5.48xlarge" } },
      { ...h100Pool(8, "b-unknown-machine"), shape: { instanceType: "x9.mystery" } },
      { ...h100Pool(8, "c-wrong-gpu"), shape: { instanceType: "g6e.12xlarge" } },
      { ...h100Pool(8, "d-counted"), shape: { instanceType: "x9.mystery", gpusPerMachine: 8 } },
      { ...h100Pool(8, "e-unknown-gpu"), gpuType: "Z9000" },
    ]);
    const fleet = await findFleet(org.id);
    const reasons = fleet.clusters.flatMap((c) => c.pools).map((p) => p.notPlanned);
    expect(reasons).toContain(
      'H100-SXM on-demand pool: unknown instance type "x9.mystery" (give gpusPerMachine, interconnect and networkGbps)',
    );
    expect(reasons).toContain("H100-SXM on-demand pool: instance type g6e.12xlarge carries L40S, not H100-SXM");
    expect(reasons).toContain("Koi has no performance model for this GPU type, so it plans no work here.");
    // The two pools the planner can model (a known instance type; an unknown one with its GPU count).
    expect(reasons.filter((r) => r === null)).toHaveLength(2);

    const detail = await getAgent(org.id, agentId);
    expect(detail.pools.map((p) => p.notPlanned).sort()).toEqual([...reasons].sort());
  });
});

describe("fleet pages: a pool's figures are the ones the planner uses", () => {
  it("GPUs Koi placed there are not free while the engine still reports them free", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    const { assignment } = await deployedWorkload(org.id, agentId);
    const held = (assignment.placement as { gpus: number }).gpus;
    expect(held).toBeGreaterThan(0);
    // The agent last reported all 64 free (the job is still launching): the page must not say so.

    const fleet = await findFleet(org.id);
    const [pool] = fleet.clusters.flatMap((c) => c.pools);
    expect(pool).toMatchObject({ total: 64, available: 64 - held });
    expect(fleet.totals).toEqual({ total: 64, available: 64 - held });

    const detail = await getAgent(org.id, agentId);
    expect(detail.pools[0]).toMatchObject({ total: 64, available: 64 - held });
  });
});
