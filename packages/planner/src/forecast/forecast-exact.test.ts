import { describe, expect, it } from "vitest";
import type { TBatchWorkload, TMarket, TPlan } from "../types.ts";
import { estimateRate } from "./estimate-rate.ts";
import { forecastFinish } from "./forecast-finish.ts";
import { formatDuration } from "./format-duration.ts";
import { recommendAction, type TCurrentGroup, type TRecommendInput } from "./recommend-action.ts";
import { fakeH100Plan } from "./test-plans.ts";

// Whole answers for small cases worked out by hand, with the clock far from zero so that every
// "time since now" is really taken from now (forecast-finish.test.ts and recommend-action.test.ts
// check behaviour on random runs and pick the actions).

const H = 3600;
const T = 100_000;
const at = (t: number, completed: number) => ({ t, completed, total: 100_000 });

describe("forecastFinish: exact answers", () => {
  // 10 units/s for 240 s, sent out of order; the prior agrees (10 ± 0.1).
  const steady = [at(T + 240, 2400), at(T + 120, 1200), at(T, 0), at(T + 60, 600), at(T + 180, 1800)];
  const steadyInput = { samples: steady, modelledRate: 10, priorRelativeSd: 0.01, now: T + 300 };

  it("forecasts from the latest sample, and explains against now", () => {
    const f = forecastFinish({
      ...steadyInput,
      deadline: T + 20_300,
    });
    expect(f.remaining).toBe(97_600);
    // 97 600 units at 10/s after the latest sample.
    expect(f.finish.p50).toBe(T + 240 + 9760);
    expect(f.finish.p10).toBeCloseTo(T + 9944.38154169486, 6);
    expect(f.finish.p90).toBeCloseTo(T + 10_056.25966233875, 6);
    expect(f.status).toBe("ahead");
    expect(f.missProbability).toBe(0);
    // 9 700 s from now; 20 000 s to the deadline.
    expect(f.explanation).toBe("predicted 2h42m (P10 2h41m, P90 2h43m) vs target 5h33m ✓");
  });

  /** The steady job 5,000 s before a deadline it cannot meet. */
  const tooLate = (riskThreshold?: number) =>
    forecastFinish({
      ...steadyInput,
      deadline: T + 5300,
      ...(riskThreshold === undefined ? {} : { riskThreshold }),
    });

  it("says by how much it is at risk", () => {
    const f = tooLate();
    expect(f.status).toBe("at-risk");
    expect(f.missProbability).toBeCloseTo(1, 9);
    expect(f.explanation).toBe("predicted 2h42m (P10 2h41m, P90 2h43m) vs target 1h23m 100% risk of missing");
  });

  it("marks a median past the deadline ✗ when the risk threshold lets it stay on track", () => {
    const f = tooLate(1);
    expect(f.status).toBe("on-track");
    expect(f.explanation).toMatch(/vs target 1h23m ✗$/);
  });

  it("marks a median exactly on the deadline ✓", () => {
    // 97 600 units at 10/s from T + 240 end at T + 10 000; a threshold of 1 keeps it on track.
    const f = forecastFinish({
      ...steadyInput,
      deadline: T + 10_000,
      riskThreshold: 1,
    });
    expect(f.finish.p50).toBe(T + 10_000);
    expect(f.status).toBe("on-track");
    expect(f.explanation).toMatch(/ ✓$/);
  });

  it("counts a P90 exactly on the ahead threshold as ahead", () => {
    const base = { ...steadyInput, riskThreshold: 0.5 };
    const p90 = forecastFinish({ ...base, deadline: T + 20_300 }).finish.p90;
    // aheadFraction 0 puts the threshold at the deadline itself.
    const f = forecastFinish({ ...base, deadline: p90, aheadFraction: 0 });
    expect(T + 300 + (p90 - (T + 300))).toBe(p90);
    expect(f.status).toBe("ahead");
  });

  it("widens the band by the progress noise averaged over the time left", () => {
    // Uneven progress: 10/s on average, increments alternating 5 and 15 a second.
    const samples = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => at(T + 60 * i, 600 * i + (i % 2 === 1 ? -300 : 0)));
    const input = { samples, modelledRate: 10, priorRelativeSd: 0.01, now: T + 480, deadline: T + 20_000 };
    const f = forecastFinish(input);
    const rate = estimateRate(input);
    expect(rate.processVariance).toBeGreaterThan(0);
    const remaining = 100_000 - 4800;
    const tau = remaining / rate.mean;
    const sd = Math.sqrt(rate.sd ** 2 + rate.processVariance / tau);
    const z90 = 1.2815515655446004;
    expect(f.finish.p10).toBeCloseTo(T + 480 + remaining / (rate.mean + z90 * sd), 6);
    expect(f.finish.p90).toBeCloseTo(T + 480 + remaining / (rate.mean - z90 * sd), 6);
    // The noise alone is worth more than the estimate's own spread here: without it the band narrows.
    expect(f.finish.p90 - (T + 480 + remaining / (rate.mean - z90 * rate.sd))).toBeGreaterThan(1);
  });

  it("is done when the latest sample has everything, before or after the deadline (on it counts as before)", () => {
    const samples = [at(T + 240, 100_000), at(T, 0)];
    const onTime = forecastFinish({ samples, modelledRate: 10, now: T + 300, deadline: T + 240 });
    expect(onTime).toMatchObject({
      status: "done",
      remaining: 0,
      finish: { p10: T + 240, p50: T + 240, p90: T + 240 },
      missProbability: 0,
      explanation: "done before the deadline",
    });
    const late = forecastFinish({ samples, modelledRate: 10, now: T + 300, deadline: T + 239 });
    expect(late).toMatchObject({ status: "done", missProbability: 1, explanation: "done after the deadline" });
  });
});

describe("formatDuration", () => {
  it("gives no sign to zero", () => {
    expect(formatDuration(0)).toBe("0m");
    expect(formatDuration(-90)).toBe("−2m");
  });
});

describe("recommendAction: exact answers", () => {
  /** A fake optimiser: as many H100 replicas (test-plans.ts) as the workload asks for. */
  const calls: TBatchWorkload[] = [];
  const select = (w: TBatchWorkload): TPlan => {
    calls.push(w);
    return fakeH100Plan(
      Math.ceil((w.requests * (w.avgInputTokens + w.avgOutputTokens)) / (w.deadlineHours * H) / 1000),
    );
  };
  const group = (
    poolId: string,
    count: number,
    pricePerHour: number,
    market: TMarket = "on-demand",
  ): TCurrentGroup => ({
    poolId,
    gpuType: poolId,
    market,
    tp: 1,
    count,
    role: "both",
    tokensPerSecond: 1000,
    pricePerHour,
  });
  // The job runs at half the perf model's rate: 4 × 1 000 modelled, 2 000 observed (at-risk cases
  // use 4 × 500 modelled, 1 000 observed).
  const input = (over: Partial<TRecommendInput>): TRecommendInput => ({
    status: "at-risk",
    observedRate: 1000,
    observedRateSd: 20,
    remainingTokens: 21_600_000,
    now: T,
    deadline: T + 4 * H,
    job: { model: "llama-3.1-8b", avgInputTokens: 1000, avgOutputTokens: 250 },
    current: [{ ...group("a100", 4, 4), tokensPerSecond: 500 }],
    free: { pools: [] },
    select,
    startupSeconds: 600,
    margin: 0.1,
    forecastLine: "F",
    ...over,
  });

  it("at risk: asks the optimiser for the residual work, scaled to how the job really runs", async () => {
    calls.length = 0;
    // Residual 21.6 M × 1.25 − 1 000/s × 14 400 s = 12.6 M tokens, ÷ 0.5 calibration ÷ 1 250 per request.
    const r = await recommendAction(input({ margin: 0.25 }));
    expect(calls).toEqual([
      {
        kind: "batch",
        model: "llama-3.1-8b",
        avgInputTokens: 1000,
        avgOutputTokens: 250,
        requests: 20_160,
        deadlineHours: 13_800 / H,
        priority: undefined,
      },
    ]);
    // 2 replicas add 2 000 × 0.5 = 1 000/s after 600 s: 0.6 M done by then, 21 M at 2 000/s.
    expect(r).toEqual({
      kind: "add",
      replicas: [{ poolId: "h100", gpuType: "H100-SXM", market: "spot", tp: 1, count: 2, role: "both" }],
      addedCostPerHour: 6,
      predictedFinish: T + 11_100,
      explanation: "F → +2 H100-SXM (spot) → 3h05m ✓",
    });
  });

  it("at risk: says when the best available addition still misses", async () => {
    const r = await recommendAction(input({ select: () => fakeH100Plan(1) }));
    // 21 M at 1 500/s after the startup: 14 600 s > 14 400 s.
    expect(r).toMatchObject({
      predictedFinish: T + 14_600,
      explanation: "F → +1 H100-SXM (spot) → 4h03m ✗ (best available)",
    });
  });

  it("at risk: work the current GPUs finish during the startup ends at the current rate", async () => {
    const r = await recommendAction(input({ remainingTokens: 500_000, margin: 1, deadline: T + 700 }));
    expect(r).toMatchObject({ kind: "add", predictedFinish: T + 500, explanation: "F → +6 H100-SXM (spot) → 8m ✓" });
  });

  it("at risk: holds when the startup alone reaches the deadline, or when the current rate covers the margin", async () => {
    expect(await recommendAction(input({ deadline: T + 600 }))).toEqual({
      kind: "hold",
      explanation: "F → too late to add GPUs (startup 10m)",
    });
    // 14.4 M tokens at 1 000/s in 14 400 s, no margin: exactly enough.
    expect(await recommendAction(input({ remainingTokens: 14_400_000, margin: 0 }))).toEqual({
      kind: "hold",
      explanation: "F → current GPUs suffice with margin; hold",
    });
  });

  it("at risk: plans a startup of 10 minutes when none is given", async () => {
    calls.length = 0;
    await recommendAction(input({ startupSeconds: undefined }));
    expect(calls[0]!.deadlineHours).toBe(13_800 / H);
  });

  it("at risk: takes the job as running at the model's rate when the ratio cannot be measured", async () => {
    calls.length = 0;
    // A stalled job (nothing observed): 21.6 M × 1.25 left, at the model's rate.
    await recommendAction(input({ observedRate: 0, margin: 0.25 }));
    // No GPUs held (nothing modelled): 27 M − 1 000/s × 14 400 s, at the model's rate.
    await recommendAction(input({ current: [], margin: 0.25 }));
    expect(calls.map((w) => w.requests)).toEqual([21_600, 10_080]);
  });

  it("at risk: says why no free GPU can help", async () => {
    const none = (): TPlan => ({ ...fakeH100Plan(0), feasible: false, replicas: [], reason: "no free GPUs" });
    expect(await recommendAction(input({ select: none }))).toEqual({
      kind: "hold",
      explanation: "F → no free GPUs can help (no free GPUs)",
      noRoom: true,
    });
  });

  it("at risk: an addition that finishes exactly at the deadline meets it, and each group is named", async () => {
    // 0.6 M during the startup, then 27.6 M at 1 000 + 2 × 500 per second: 13 800 s, on the deadline.
    const twoKinds = (): TPlan => {
      const plan = fakeH100Plan(2);
      return { ...plan, replicas: [...plan.replicas, { ...plan.replicas[0]!, gpuType: "L40S", count: 0 }] };
    };
    const r = await recommendAction(input({ remainingTokens: 28_200_000, select: twoKinds }));
    expect(r).toMatchObject({
      predictedFinish: T + 4 * H,
      explanation: "F → +2 H100-SXM (spot), +0 L40S (spot) → 4h ✓",
    });
  });

  it("ahead: drops the replicas that cost most per token, in whatever order they come, while the lower bound keeps the margin", async () => {
    // Calibration 0.5: each replica really gives 500/s. Needed: 7.2 M × 1.1 / 14 400 s = 550/s; the
    // lower 90% bound keeps (2 000 − 1.2816 × 100) / 2 000 of a rate. Both $6 replicas go (1 000/s
    // left, 936/s at the bound); a third would leave 468/s.
    const [cheap, dear] = [group("A", 2, 2), group("B", 2, 6, "spot")];
    for (const current of [
      [cheap, dear],
      [dear, cheap],
    ]) {
      const r = await recommendAction(
        input({ status: "ahead", observedRate: 2000, observedRateSd: 100, remainingTokens: 7_200_000, current }),
      );
      expect(r).toEqual({
        kind: "remove",
        remove: [{ poolId: "B", tp: 1, count: 2 }],
        savedCostPerHour: 12,
        predictedFinish: T + 7200,
        explanation: "F → −2 B (spot) (saves $12.00/h) → 2h ✓",
      });
    }
  });

  it("ahead: a kept rate exactly at what the deadline needs is enough", async () => {
    // Each replica gives 500/s; 14.4 M tokens in 14 400 s with no margin and no spread need 1 000/s.
    const r = await recommendAction(
      input({
        status: "ahead",
        observedRate: 2000,
        observedRateSd: 0,
        margin: 0,
        remainingTokens: 14_400_000,
        current: [group("A", 4, 2)],
      }),
    );
    expect(r).toMatchObject({ kind: "remove", remove: [{ poolId: "A", count: 2 }] });
  });

  it("ahead: the rate's spread keeps a replica that its mean alone would let go", async () => {
    // Needed: 19 M × 1.1 / 14 400 s ≈ 1 451/s. Three replicas give 1 500/s, 1 404/s at the lower bound.
    const r = await recommendAction(
      input({
        status: "ahead",
        observedRate: 2000,
        observedRateSd: 100,
        remainingTokens: 19_000_000,
        current: [group("A", 2, 2), group("B", 2, 6)],
      }),
    );
    expect(r).toMatchObject({ kind: "hold" });
  });

  it("ahead: removes nothing without a measured rate, and never the last replica", async () => {
    const ahead = { status: "ahead" as const, current: [group("A", 4, 2)] };
    expect(await recommendAction(input({ ...ahead, observedRate: 0, observedRateSd: 0 }))).toMatchObject({
      kind: "hold",
    });
    // No work left at all: every replica but one may go.
    expect(
      await recommendAction(input({ ...ahead, observedRate: 2000, observedRateSd: 0, remainingTokens: 0 })),
    ).toMatchObject({ kind: "remove", remove: [{ poolId: "A", count: 3 }] });
  });

  it("ahead: holds when every replica is needed, and on track it holds", async () => {
    const tight = input({
      status: "ahead",
      observedRate: 2000,
      observedRateSd: 100,
      remainingTokens: 20_000_000,
      current: [group("A", 2, 2), group("B", 2, 6)],
    });
    expect(await recommendAction(tight)).toEqual({
      kind: "hold",
      explanation: "F → ahead, but every replica is needed for the margin; hold",
    });
    expect(await recommendAction(input({ status: "on-track" }))).toEqual({ kind: "hold", explanation: "F → hold" });
  });
});
