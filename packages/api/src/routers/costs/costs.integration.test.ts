import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { addTestMember, createTestOrg } from "@koi/db/factories";
import { callerAs } from "../../testing/callers.ts";
import { createCapacity, createRunningWorkload } from "@koi/services/testing/workload-fixtures";

async function world() {
  const orgA = await createTestOrg();
  const viewer = await addTestMember(orgA.id, "VIEWER");
  const cap = await createCapacity(orgA.id);
  const run = await createRunningWorkload(orgA.id, { agentId: cap.agent.id, name: "=cmd|' /C calc'!A0" });
  // Too old for the 24h range, inside 7d; and a router row tied to no workload.
  await prisma.usageRecord.create({
    data: {
      orgId: orgA.id,
      component: "spot",
      gpuType: "H100-SXM",
      seconds: 3600,
      costUsd: 5,
      at: new Date(Date.now() - 3 * 86_400_000),
      assignmentId: run.assignment.id,
    },
  });
  await prisma.usageRecord.create({
    data: { orgId: orgA.id, component: "router", seconds: 3600, costUsd: 0.5, at: new Date(Date.now() - 60_000) },
  });
  const orgB = await createTestOrg();
  const ownerB = await addTestMember(orgB.id, "OWNER");
  return { orgA, viewer, run, orgB, ownerB };
}

describe("costs.get / costs.export", () => {
  it("buckets spend by component, splits spot/serverless, prices baselines and lists workloads", async () => {
    const w = await world();
    const c = callerAs(w.viewer.id, w.orgA.id);
    const day = await c.costs.get({ range: "24h" });
    // All of the last day's spend is from the last 10 minutes: the chart is the last hour, in minutes.
    expect(day.bucket).toBe("minute");
    expect(day.to.getTime() - day.chartFrom.getTime()).toBeGreaterThanOrEqual(3_600_000);
    expect(day.to.getTime() - day.chartFrom.getTime()).toBeLessThan(3_660_000);
    expect(day.buckets.length).toBeGreaterThanOrEqual(60);
    expect(day.totalUsd).toBeCloseTo(12.5);
    expect(day.byComponent).toMatchObject({ spot: 10, serverless: 2, router: 0.5 });
    expect(day.buckets.reduce((s, b) => s + b.totalUsd, 0)).toBeCloseTo(12.5);
    expect(day.savings.onDemandBaselineUsd).toBeGreaterThan(0);
    expect(day.workloads[0]).toMatchObject({ workloadId: w.run.workload.id, costUsd: 12 });
    expect(day.workloads[1]).toMatchObject({ workloadId: null, costUsd: 0.5 });

    // Spend 3 days back: days, from that day on.
    const week = await c.costs.get({ range: "7d" });
    expect(week.bucket).toBe("day");
    expect(week.buckets).toHaveLength(4);
    expect(week.totalUsd).toBeCloseTo(17.5);

    const rows = await c.costs.export({ range: "7d" });
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.workloadId === w.run.workload.id)).toHaveLength(3);
  });

  it("shows nothing of another org, and refuses an org the user is not in", async () => {
    const w = await world();
    const b = callerAs(w.ownerB.id, w.orgB.id);
    const costs = await b.costs.get({ range: "30d" });
    expect(costs.totalUsd).toBe(0);
    expect(costs.workloads).toEqual([]);
    expect(await b.costs.export({ range: "30d" })).toEqual([]);
    for (const call of [
      () => callerAs(w.ownerB.id, w.orgA.id).costs.get({ range: "7d" }),
      () => callerAs(w.ownerB.id, w.orgA.id).costs.export({ range: "7d" }),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect((err as TRPCError).code).toBe("NOT_FOUND");
    }
  });
});
