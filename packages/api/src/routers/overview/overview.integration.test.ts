import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { addTestMember, createTestOrg } from "@koi/db/factories";
import { callerAs } from "../../testing/callers.ts";
import { createCapacity, createRunningWorkload } from "@koi/services/testing/workload-fixtures";

describe("overview.get", () => {
  it("shows GPUs in use, spend, savings and health of the caller's org only", async () => {
    const orgA = await createTestOrg();
    const viewer = await addTestMember(orgA.id, "VIEWER");
    const cap = await createCapacity(orgA.id);
    await createRunningWorkload(orgA.id, { agentId: cap.agent.id });
    const o = await callerAs(viewer.id, orgA.id).overview.get();
    expect(o.hasData).toBe(true);
    expect(o.gpusInUse).toEqual([{ gpuType: "H100-SXM", market: "spot", gpus: 2 }]);
    expect(o.totalGpusInUse).toBe(2);
    expect(o.spendMonthUsd).toBeCloseTo(12);
    expect(o.savingsMonth.gpuSeconds).toBe(7800);
    expect(o.savingsMonth.onDemandBaselineUsd).toBeGreaterThan(12);
    expect(o.health).toMatchObject({ atRisk: 1, onTrack: 0, late: 0, active: 1 });

    const orgB = await createTestOrg();
    const ownerB = await addTestMember(orgB.id, "OWNER");
    const b = await callerAs(ownerB.id, orgB.id).overview.get();
    expect(b).toMatchObject({
      hasData: false,
      gpusInUse: [],
      spendTodayUsd: 0,
      spendMonthUsd: 0,
      health: { active: 0 },
    });
  });

  it("refuses as NOT_FOUND when the session names an org the user is not in", async () => {
    const orgA = await createTestOrg();
    const outsider = await addTestMember((await createTestOrg()).id, "OWNER");
    const err = await callerAs(outsider.id, orgA.id)
      .overview.get()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("NOT_FOUND");
  });
});
