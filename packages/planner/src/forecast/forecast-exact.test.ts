import { describe, expect, it } from "vitest";
import type { TBatchWorkload, TMarket, TPlan } from "../types.ts";
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

  it("forecasts from the latest sample, and explains against now", () => {
    const f = forecastFinish({
      samples: steady,
      modelledRate: 10,
      priorRelativeSd: 0.01,
      now: T + 300,
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
      samples: steady,
      modelledRate: 10,
      priorRelativeSd: 0.01,
      now: T + 300,
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

  it("ahead: drops the replicas that cost most per token while the lower bound keeps the margin", async () => {
    // Calibration 0.5: each replica really gives 500/s. Needed: 7.2 M × 1.1 / 14 400 s = 550/s; the
    // lower 90% bound keeps (2 000 − 1.2816 × 100) / 2 000 of a rate. Both $6 replicas go (1 000/s
    // left, 936/s at the bound); a third would leave 468/s.
    const r = await recommendAction(
      input({
        status: "ahead",
        observedRate: 2000,
        observedRateSd: 100,
        remainingTokens: 7_200_000,
        current: [group("A", 2, 2), group("B", 2, 6, "spot")],
      }),
    );
    expect(r).toEqual({
      kind: "remove",
      remove: [{ poolId: "B", tp: 1, count: 2 }],
      savedCostPerHour: 12,
      predictedFinish: T + 7200,
      explanation: "F → −2 B (spot) (saves $12.00/h) → 2h ✓",
    });
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
