import { describe, expect, it } from "vitest";
import type { TCapacity } from "../types.ts";
import { rebalanceForUrgent, type TRunningWorkload, type TUrgentWorkload } from "./rebalance-for-urgent.ts";

// Whole results for small cases worked out by hand (rebalance-for-urgent.test.ts checks the
// decisions and properties on random fleets). Defaults: safety margin 10%, victim margin 5%,
// startup 600 s. The urgent job below has 8 GPU-hours (28 800 units) due in 2.5 h, so it needs
// 28 800 × 1.1 / (9 000 − 600) = 3.77 units/s: 4 GPUs at 1 unit/s each.

const H = 3600;
const pool = (id: string, available: number, price = 2, name?: string): TCapacity["pools"][number] => ({
  id,
  gpuType: "H100-SXM",
  market: "on-demand",
  available,
  pricePerGpuHour: price,
  ...(name ? { name } : {}),
});
const job = (id: string, deadline: number, work: number, gpus: number, step?: number): TRunningWorkload => ({
  id,
  priority: "low",
  deadline,
  remainingWork: work,
  allocation: [{ poolId: "h100", gpus, ratePerGpu: 1, ...(step ? { step } : {}) }],
});
const urgent = (deadline = 2.5 * H, ratePerGpuByPool: Record<string, number> = { h100: 1 }): TUrgentWorkload => ({
  id: "urgent",
  priority: "urgent",
  deadline,
  remainingWork: 8 * H,
  ratePerGpuByPool,
});

describe("rebalanceForUrgent: exact results", () => {
  it("a slack victim lends 4 of its 8 GPUs and finishes on the 4 it keeps", () => {
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 8 * H, 8)],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(),
      now: 0,
    });
    expect(r).toEqual({
      feasible: true,
      urgentAllocation: [{ poolId: "h100", gpus: 4, source: "lent" }],
      // 600 s startup + 28 800 units at 4/s.
      urgentPredictedFinish: 7800,
      // Back when the urgent job is done; the victim's 28 800 units at 4/s take 7 200 s.
      actions: [
        {
          workloadId: "a",
          kind: "shrink",
          poolId: "h100",
          gpus: 4,
          returnAt: 7800,
          predictedFinish: 7200,
          deadline: 24 * H,
        },
      ],
      misses: [],
      explanation: "urgent gets 4 GPUs of pool h100 (lent); shrink a −4 GPUs of pool h100 (still done 22h00m early)",
    });
  });

  it("gives the same answer shifted in time when the clock is not at zero", () => {
    const T = 1_000_000;
    const r = rebalanceForUrgent({
      running: [job("a", T + 24 * H, 8 * H, 8)],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(T + 2.5 * H),
      now: T,
    });
    expect(r.urgentPredictedFinish).toBe(T + 7800);
    expect(r.actions).toEqual([
      {
        workloadId: "a",
        kind: "shrink",
        poolId: "h100",
        gpus: 4,
        returnAt: T + 7800,
        predictedFinish: T + 7200,
        deadline: T + 24 * H,
      },
    ]);
    expect(r.explanation).toBe(
      "urgent gets 4 GPUs of pool h100 (lent); shrink a −4 GPUs of pool h100 (still done 22h00m early)",
    );
  });

  it("pauses a victim that lends every GPU it has", () => {
    // 2 GPU-hours on 4 GPUs: all 4 lent for 7 800 s, back 600 s later, then 7 200 units at 4/s.
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 2 * H, 4)],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(),
      now: 0,
    });
    expect(r.actions).toEqual([
      {
        workloadId: "a",
        kind: "pause",
        poolId: "h100",
        gpus: 4,
        returnAt: 7800,
        predictedFinish: 10_200,
        deadline: 24 * H,
      },
    ]);
    expect(r.explanation).toBe(
      "urgent gets 4 GPUs of pool h100 (lent); pause a −4 GPUs of pool h100 (still done 21h10m early)",
    );
  });

  it("best effort when no victim can spare GPUs: takes them anyway and names who is late by how much", () => {
    // 30 GPU-hours due in 4 h on 8 GPUs: 1 800 units of surplus, not one GPU's worth over the loan.
    // Lending 4 anyway: 33 600 units by 8 400 s, the other 74 400 at 8/s → 17 700 s, 3 300 s late.
    const r = rebalanceForUrgent({
      running: [job("a", 4 * H, 30 * H, 8)],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(),
      now: 0,
    });
    expect(r).toMatchObject({
      feasible: false,
      urgentAllocation: [{ poolId: "h100", gpus: 4, source: "lent" }],
      urgentPredictedFinish: 7800,
      actions: [{ workloadId: "a", kind: "shrink", gpus: 4, predictedFinish: 17_700 }],
      misses: [{ workloadId: "a", lateBySeconds: 3300 }],
      explanation: "cannot meet every SLO: a late by 0h55m; best effort gives urgent 4 GPUs of pool h100 (lent)",
    });
  });

  it("takes free GPUs from the pool that is cheapest per unit of the urgent job's work", () => {
    // fast: $3 for 2 units/s (1.5 per unit); cheap: $2 for 1 unit/s (2 per unit).
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 8 * H, 8)],
      free: { pools: [pool("cheap", 8, 2), pool("fast", 8, 3, "the fast pool")] },
      urgent: urgent(2.5 * H, { cheap: 1, fast: 2 }),
      now: 0,
    });
    expect(r).toEqual({
      feasible: true,
      urgentAllocation: [{ poolId: "fast", gpus: 2, source: "free" }],
      urgentPredictedFinish: 7800,
      actions: [],
      misses: [],
      explanation: "urgent gets 2 GPUs of the fast pool (free)",
    });
  });

  it("tops up free GPUs with lent ones, only as many as are missing", () => {
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 8 * H, 8)],
      free: { pools: [pool("h100", 1)] },
      urgent: urgent(),
      now: 0,
    });
    expect(r.urgentAllocation).toEqual([
      { poolId: "h100", gpus: 1, source: "free" },
      { poolId: "h100", gpus: 3, source: "lent" },
    ]);
    expect(r.actions).toMatchObject([{ workloadId: "a", gpus: 3 }]);
  });

  it("lends whole replicas only and hands back GPUs short of one urgent replica", () => {
    // The victim's replicas are 2 GPUs; the urgent job runs 4 GPUs a replica and needs one.
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 8 * H, 8, 2)],
      free: { pools: [pool("h100", 0)] },
      urgent: { ...urgent(), stepByPool: { h100: 4 } },
      now: 0,
    });
    expect(r.urgentAllocation).toEqual([{ poolId: "h100", gpus: 4, source: "lent" }]);
    expect(r.actions).toMatchObject([{ workloadId: "a", gpus: 4, kind: "shrink" }]);
  });

  it("cannot plan without a pool the urgent job runs on: it would never finish", () => {
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 8 * H, 8)],
      free: { pools: [pool("h100", 8)] },
      urgent: urgent(2.5 * H, { l4: 1 }),
      now: 0,
    });
    expect(r).toEqual({
      feasible: false,
      urgentAllocation: [],
      urgentPredictedFinish: Infinity,
      actions: [],
      misses: [{ workloadId: "urgent", lateBySeconds: Infinity }],
      explanation: "cannot meet every SLO: urgent late by ∞; best effort gives urgent nothing",
    });
  });

  it("refuses outright when the deadline is no later than the startup time", () => {
    for (const deadline of [600, 300]) {
      expect(
        rebalanceForUrgent({
          running: [job("a", 24 * H, 8 * H, 8)],
          free: { pools: [pool("h100", 8)] },
          urgent: urgent(deadline),
          now: 0,
        }),
      ).toEqual({
        feasible: false,
        urgentAllocation: [],
        urgentPredictedFinish: Infinity,
        actions: [],
        misses: [{ workloadId: "urgent", lateBySeconds: Infinity }],
        explanation: "urgent: the deadline is closer than the 10 min it takes to start any GPU",
      });
    }
  });

  it("honours the margins and startup it is given", () => {
    // No safety margin and a 0 s startup: 28 800 units over 9 000 s is 3.2/s, still 4 GPUs, done at 7 200 s.
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 8 * H, 8)],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(),
      now: 0,
      safetyMargin: 0,
      startupSeconds: 0,
    });
    expect(r.urgentPredictedFinish).toBe(7200);
  });

  it("spreads the loan over victims so each keeps its own margin, which is 5% unless given", () => {
    // a (most slack) keeps 5% over its 637 000 units with 2 GPUs lent (2.5/s of surplus over the
    // 8 836 s loan and restart); b can spare the other 2.
    const victims = [job("a", 24 * H, 637_000, 8), job("b", 4 * H, 80_000, 8)];
    const input = { running: victims, free: { pools: [pool("h100", 0)] }, urgent: urgent(), now: 0 };
    const r = rebalanceForUrgent(input);
    expect(r.feasible).toBe(true);
    expect(r.actions.map((a) => [a.workloadId, a.gpus])).toEqual([
      ["a", 2],
      ["b", 2],
    ]);
    // Without a margin, a alone can lend all 4.
    const noMargin = rebalanceForUrgent({ ...input, victimMargin: 0 });
    expect(noMargin.actions.map((a) => [a.workloadId, a.gpus])).toEqual([["a", 4]]);
  });
  it("asks the victim with the most slack first, whatever the ids' order", () => {
    // "a-tight" has 4 h of slack, "z-loose" 22 h: z-loose lends.
    const r = rebalanceForUrgent({
      running: [job("a-tight", 8 * H, 32 * H, 8), job("z-loose", 24 * H, 16 * H, 8)],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(),
      now: 0,
    });
    expect(r.actions.map((a) => a.workloadId)).toEqual(["z-loose"]);
  });

  it("collects GPUs from several victims until they make a whole urgent replica", () => {
    // The urgent job runs 4 GPUs a replica; each victim has one replica of 2 GPUs.
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 1 * H, 2, 2), job("b", 20 * H, 1 * H, 2, 2)],
      free: { pools: [pool("h100", 0)] },
      urgent: { ...urgent(), stepByPool: { h100: 4 } },
      now: 0,
    });
    expect(r.urgentAllocation).toEqual([{ poolId: "h100", gpus: 4, source: "lent" }]);
    expect(r.actions.map((a) => [a.workloadId, a.gpus, a.kind])).toEqual([
      ["a", 2, "pause"],
      ["b", 2, "pause"],
    ]);
  });

  it("hands back GPUs that make no whole urgent replica", () => {
    // Alone, the victim's 2 GPUs are half an urgent replica: nothing is taken, and the urgent job
    // cannot run.
    const alone = rebalanceForUrgent({
      running: [job("a", 24 * H, 1 * H, 2, 2)],
      free: { pools: [pool("h100", 0)] },
      urgent: { ...urgent(), stepByPool: { h100: 4 } },
      now: 0,
    });
    expect(alone).toMatchObject({
      feasible: false,
      urgentAllocation: [],
      actions: [],
      urgentPredictedFinish: Infinity,
    });
    // 12 GPU-hours need 8 GPUs (two replicas of 4); the victim has 6: it lends 4 and keeps 2, on
    // which its 3 600 units take 1 800 s.
    const short = rebalanceForUrgent({
      running: [job("a", 48 * H, 1 * H, 6, 2)],
      free: { pools: [pool("h100", 0)] },
      urgent: { ...urgent(), remainingWork: 12 * H, stepByPool: { h100: 4 } },
      now: 0,
    });
    expect(short.urgentAllocation).toEqual([{ poolId: "h100", gpus: 4, source: "lent" }]);
    expect(short.actions).toEqual([
      // Back when the urgent job would have finished at its target rate (8 236 s): it is late anyway.
      expect.objectContaining({ workloadId: "a", kind: "shrink", gpus: 4, predictedFinish: 1800 }),
    ]);
    // 600 s + 43 200 units at 4/s = 11 400 s, 2 400 s after the deadline.
    expect(short.misses).toEqual([{ workloadId: "urgent", lateBySeconds: 2400 }]);
    expect(short.explanation).toBe(
      "cannot meet every SLO: urgent late by 0h40m; best effort gives urgent 4 GPUs of pool h100 (lent)",
    );
  });
  it("skips a victim that cannot spare a GPU and takes them from the next one", () => {
    // "tight" (low priority, asked first) has 1 800 units of surplus: not one GPU over the loan.
    const r = rebalanceForUrgent({
      running: [job("tight", 4 * H, 30 * H, 8), { ...job("spare", 24 * H, 8 * H, 8), priority: "normal" }],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(),
      now: 0,
    });
    expect(r.feasible).toBe(true);
    expect(r.actions.map((a) => [a.workloadId, a.gpus])).toEqual([["spare", 4]]);
  });
});
