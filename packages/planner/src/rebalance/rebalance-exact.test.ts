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

  it("a pool whose GPUs are cheap but slow is not cheap per unit of work", () => {
    // slow: $4 for 0.5 units/s ($8 per unit/s); fast: $6 for 2 units/s ($3 per unit/s).
    const r = rebalanceForUrgent({
      running: [],
      free: { pools: [pool("slow", 8, 4), pool("fast", 8, 6)] },
      urgent: urgent(2.5 * H, { slow: 0.5, fast: 2 }),
      now: 0,
    });
    expect(r.urgentAllocation).toEqual([{ poolId: "fast", gpus: 2, source: "free" }]);
  });

  it("sizes the urgent job for its work plus the 10% safety margin", () => {
    // 38 000 units over the 10 000 s left after startup: 3.8/s bare, 4.18/s with the margin, so 5 GPUs.
    const r = rebalanceForUrgent({
      running: [],
      free: { pools: [pool("h100", 8)] },
      urgent: { ...urgent(10_600), remainingWork: 38_000 },
      now: 0,
    });
    expect(r.urgentAllocation).toEqual([{ poolId: "h100", gpus: 5, source: "free" }]);
    // 600 s + 38 000 units at 5/s.
    expect(r.urgentPredictedFinish).toBe(8200);
  });

  it("takes free GPUs in whole urgent replicas and borrows the rest", () => {
    // The urgent job runs 2 GPUs a replica and needs two replicas: 3 free GPUs make one.
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 8 * H, 8, 2)],
      free: { pools: [pool("h100", 3)] },
      urgent: { ...urgent(), stepByPool: { h100: 2 } },
      now: 0,
    });
    expect(r.urgentAllocation).toEqual([
      { poolId: "h100", gpus: 2, source: "free" },
      { poolId: "h100", gpus: 2, source: "lent" },
    ]);
    expect(r.explanation).toBe(
      "urgent gets 2 GPUs of pool h100 (free), 2 GPUs of pool h100 (lent); shrink a −2 GPUs of pool h100 (still done 22h40m early)",
    );
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

  it("an urgent job with no work left needs no GPUs and is on time, whatever its deadline", () => {
    for (const deadline of [2.5 * H, 300]) {
      expect(
        rebalanceForUrgent({
          running: [job("a", 24 * H, 8 * H, 8)],
          free: { pools: [pool("h100", 8)] },
          urgent: { ...urgent(deadline), remainingWork: 0 },
          now: 0,
        }),
      ).toEqual({
        feasible: true,
        urgentAllocation: [],
        urgentPredictedFinish: 0,
        actions: [],
        misses: [],
        explanation: "urgent: no work left; nothing to rebalance",
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

  it("a rate exactly on target is enough, and finishing exactly at a deadline is on time", () => {
    // No margins. 33 600 units over the 8 400 s after startup is 4/s exactly: 4 GPUs, done at 9 000 s,
    // lent until then and back 600 s later. a: 8 GPUs, 57 600 units due at 9 600 s: a surplus of
    // 76 800 − 57 600 = 19 200 units over 9 600 s is 2/s, so it lends exactly 2 and does
    // 6 × 9 600 = 57 600 units by its deadline on the dot. b (asked after a) lends the other 2.
    const r = rebalanceForUrgent({
      running: [job("a", 9600, 57_600, 8), { ...job("b", 24 * H, 8 * H, 8), priority: "normal" }],
      free: { pools: [pool("h100", 0)] },
      urgent: { ...urgent(9000), remainingWork: 33_600 },
      now: 0,
      safetyMargin: 0,
      victimMargin: 0,
    });
    const shrink = { kind: "shrink", poolId: "h100", gpus: 2, returnAt: 9000 };
    expect(r).toEqual({
      feasible: true,
      urgentAllocation: [
        { poolId: "h100", gpus: 2, source: "lent" },
        { poolId: "h100", gpus: 2, source: "lent" },
      ],
      urgentPredictedFinish: 9000,
      actions: [
        { ...shrink, workloadId: "a", predictedFinish: 9600, deadline: 9600 },
        // b's 28 800 units at the 6/s it keeps.
        { ...shrink, workloadId: "b", predictedFinish: 4800, deadline: 24 * H },
      ],
      misses: [],
      explanation:
        "urgent gets 2 GPUs of pool h100 (lent), 2 GPUs of pool h100 (lent); shrink a −2 GPUs of pool h100 (still done 0h00m early); shrink b −2 GPUs of pool h100 (still done 22h40m early)",
    });
  });

  it("counts rates in units of work, for victims and the urgent job alike", () => {
    // The clock is at T, which the loan is measured from. v: 8 GPUs in 2-GPU replicas at 0.5 units/s each (4/s), 320 000 units due
    // in 24 h: a surplus of 345 600 − 336 000 = 9 600 units over the 8 836 s loan and restart is
    // 1.09/s, one replica (1/s). The urgent job does 0.5/s per GPU and needs 3.77/s: 2 GPUs from v,
    // 6 from n, 4/s in all.
    const T = 1_000_000;
    const a100 = (gpus: number) => [{ poolId: "a100", gpus, ratePerGpu: 0.5, step: 2 }];
    const r = rebalanceForUrgent({
      running: [
        { ...job("v", T + 24 * H, 320_000, 8), allocation: a100(8) },
        { ...job("n", T + 24 * H, 8 * H, 8), priority: "normal", allocation: a100(8) },
      ],
      free: { pools: [pool("a100", 0)] },
      urgent: urgent(T + 2.5 * H, { a100: 0.5 }),
      now: T,
    });
    // 600 s + 28 800 units at 4/s.
    expect(r.urgentPredictedFinish).toBe(T + 7800);
    expect(r.actions).toEqual([
      // 3/s for the 8 400 s until its replica is back (25 200 units), then 294 800 at 4/s.
      {
        workloadId: "v",
        kind: "shrink",
        poolId: "a100",
        gpus: 2,
        returnAt: T + 7800,
        predictedFinish: T + 82_100,
        deadline: T + 24 * H,
      },
      // 1/s for 8 400 s, then 20 400 units at 4/s.
      {
        workloadId: "n",
        kind: "shrink",
        poolId: "a100",
        gpus: 6,
        returnAt: T + 7800,
        predictedFinish: T + 13_500,
        deadline: T + 24 * H,
      },
    ]);
  });

  it("lends first from the victim's pool where the urgent job is fastest, within one budget for all its pools", () => {
    // m: 4 GPUs of "slow" at 1 unit/s and 1 of "fast" at 2 (6/s); 466 200 units due in 24 h leave
    // 28 890 units of surplus, 3.27/s over the 8 836 s loan and restart. The urgent job does 2/s per
    // fast GPU: m's fast GPU (2/s of m's budget) and then one slow one (1.27/s left); n lends the last.
    const r = rebalanceForUrgent({
      running: [
        {
          ...job("m", 24 * H, 466_200, 5),
          allocation: [
            { poolId: "slow", gpus: 4, ratePerGpu: 1 },
            { poolId: "fast", gpus: 1, ratePerGpu: 2 },
          ],
        },
        { ...job("n", 24 * H, 8 * H, 8), priority: "normal", allocation: [{ poolId: "slow", gpus: 8, ratePerGpu: 1 }] },
      ],
      free: { pools: [pool("slow", 0), pool("fast", 0)] },
      urgent: urgent(2.5 * H, { slow: 1, fast: 2 }),
      now: 0,
    });
    expect(r.urgentAllocation).toEqual([
      { poolId: "fast", gpus: 1, source: "lent" },
      { poolId: "slow", gpus: 1, source: "lent" },
      { poolId: "slow", gpus: 1, source: "lent" },
    ]);
    // m keeps 3/s for 8 400 s (25 200 units), then 441 000 at 6/s.
    expect(r.actions.map((a) => [a.workloadId, a.poolId, a.gpus, a.predictedFinish])).toEqual([
      ["m", "fast", 1, 81_900],
      ["m", "slow", 1, 81_900],
      ["n", "slow", 1, expect.any(Number)],
    ]);
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

  it("ranks victims by slack, not by deadline", () => {
    // "later" is due in 12 h with 8 h of work left (4 h of slack); "sooner" in 10 h with 1 h (9 h).
    const r = rebalanceForUrgent({
      running: [job("later", 12 * H, 64 * H, 8), job("sooner", 10 * H, 8 * H, 8)],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(),
      now: 0,
    });
    expect(r.actions.map((a) => [a.workloadId, a.gpus])).toEqual([["sooner", 4]]);
  });

  // A victim with no rate never finishes, lending or not; its GPUs are idle.
  const stalled = { ...job("stalled", 24 * H, 8 * H, 8), allocation: [{ poolId: "h100", gpus: 8, ratePerGpu: 0 }] };

  it("asks a victim that produces nothing last among its priority", () => {
    const r = rebalanceForUrgent({
      running: [stalled, job("busy", 24 * H, 8 * H, 8)],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(),
      now: 0,
    });
    expect(r.feasible).toBe(true);
    expect(r.actions.map((a) => [a.workloadId, a.gpus])).toEqual([["busy", 4]]);
  });

  it("asks a victim with nothing left to do first, whatever its rate and deadline", () => {
    // "busy" has 23 h of slack; "done" is due in an hour but has nothing left to lose.
    const done = { ...stalled, id: "done", deadline: H, remainingWork: 0 };
    const r = rebalanceForUrgent({
      running: [job("busy", 24 * H, H, 8), done],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(),
      now: 0,
    });
    expect(r.feasible).toBe(true);
    expect(r.actions.map((a) => [a.workloadId, a.gpus])).toEqual([["done", 4]]);
  });

  it("takes a stalled victim's idle GPUs but names it as never finishing", () => {
    // Its margin allows lending no rate at all, which costs nothing on GPUs that produce none; the
    // miss is why rebalance-for-workload leaves stalled lenders out.
    const r = rebalanceForUrgent({ running: [stalled], free: { pools: [pool("h100", 0)] }, urgent: urgent(), now: 0 });
    expect(r).toMatchObject({
      feasible: false,
      urgentAllocation: [{ poolId: "h100", gpus: 4, source: "lent" }],
      actions: [{ workloadId: "stalled", gpus: 4, predictedFinish: Infinity }],
      misses: [{ workloadId: "stalled", lateBySeconds: Infinity }],
      explanation: "cannot meet every SLO: stalled late by ∞; best effort gives urgent 4 GPUs of pool h100 (lent)",
    });
  });

  it("collects GPUs from several victims until they make a whole urgent replica, taking only what is missing", () => {
    // The urgent job runs 4 GPUs a replica; each victim's replicas are 2 GPUs. a has one, b four:
    // b tops a's 2 up to one urgent replica.
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 1 * H, 2, 2), job("b", 20 * H, 1 * H, 8, 2)],
      free: { pools: [pool("h100", 0)] },
      urgent: { ...urgent(), stepByPool: { h100: 4 } },
      now: 0,
    });
    expect(r.urgentAllocation).toEqual([{ poolId: "h100", gpus: 4, source: "lent" }]);
    expect(r.actions.map((a) => [a.workloadId, a.gpus, a.kind])).toEqual([
      ["a", 2, "pause"],
      ["b", 2, "shrink"],
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

  it("hands back a spare GPU from a lender it does not split", () => {
    // The urgent job runs 4 GPUs a replica. a lends its 1 GPU; b (2-GPU replicas, after an l4 slice
    // the urgent job cannot use) tops up with two replicas: 5 GPUs, one urgent replica and 1 spare.
    // Handing the spare back from b would split one of its replicas: a gets its GPU back instead.
    const r = rebalanceForUrgent({
      running: [
        job("a", 24 * H, 1 * H, 1),
        {
          ...job("b", 24 * H, 8 * H, 10),
          priority: "normal",
          allocation: [
            { poolId: "l4", gpus: 2, ratePerGpu: 1 },
            { poolId: "h100", gpus: 8, ratePerGpu: 1, step: 2 },
          ],
        },
      ],
      free: { pools: [pool("h100", 0)] },
      urgent: { ...urgent(), stepByPool: { h100: 4 } },
      now: 0,
    });
    expect(r.urgentAllocation).toEqual([{ poolId: "h100", gpus: 4, source: "lent" }]);
    expect(r.actions.map((a) => [a.workloadId, a.gpus])).toEqual([["b", 4]]);
  });

  it("hands back GPUs short of an urgent replica from every lender that has them", () => {
    // 16 GPU-hours need two urgent replicas of 4. a lends its 5 (one replica and 1 over), c its 2:
    // 3 GPUs short of a second replica. c takes its 2 back, then a its 1.
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 1 * H, 5), { ...job("c", 24 * H, 1 * H, 2, 2), priority: "normal" }],
      free: { pools: [pool("h100", 0)] },
      urgent: { ...urgent(), remainingWork: 16 * H, stepByPool: { h100: 4 } },
      now: 0,
    });
    expect(r.urgentAllocation).toEqual([{ poolId: "h100", gpus: 4, source: "lent" }]);
    expect(r.actions.map((a) => [a.workloadId, a.gpus])).toEqual([["a", 4]]);
    // 600 s + 57 600 units at 4/s, 6 000 s after the deadline.
    expect(r.misses).toEqual([{ workloadId: "urgent", lateBySeconds: 6000 }]);
  });

  it("names every miss in its explanation, the urgent job first", () => {
    // a's 2 GPUs are all there is: the urgent job gets 2/s instead of 3.77 and is done at 15 000 s.
    // a (3 h of work on its 2 GPUs, due in 4 h) has none until 8 836 s and is done at 19 636 s.
    const r = rebalanceForUrgent({
      running: [job("a", 4 * H, 6 * H, 2)],
      free: { pools: [pool("h100", 0)] },
      urgent: urgent(),
      now: 0,
    });
    expect(r.explanation).toBe(
      "cannot meet every SLO: urgent late by 1h40m, a late by 1h27m; best effort gives urgent 2 GPUs of pool h100 (lent)",
    );
  });

  it("names a pool it has no free-capacity entry for by its id", () => {
    const r = rebalanceForUrgent({
      running: [job("a", 24 * H, 8 * H, 8)],
      free: { pools: [] },
      urgent: urgent(),
      now: 0,
    });
    expect(r.explanation).toBe(
      "urgent gets 4 GPUs of pool h100 (lent); shrink a −4 GPUs of pool h100 (still done 22h00m early)",
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
