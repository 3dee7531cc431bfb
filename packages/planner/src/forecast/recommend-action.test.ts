import { describe, expect, it } from "vitest";
import type { TBatchWorkload, TCapacity, TPlan } from "../types.ts";
import { recommendAction, type TCurrentGroup, type TRecommendInput } from "./recommend-action.ts";
import { fakeH100Plan } from "./test-plans.ts";

const H = 3600;
const free: TCapacity = {
  pools: [{ id: "h100", gpuType: "H100-SXM", market: "spot", available: 16, pricePerGpuHour: 3 }],
};
/** A fake optimiser: H100 replicas of 1,000 tokens/s each, as many as the workload needs. */
const calls: TBatchWorkload[] = [];
const select = (w: TBatchWorkload): TPlan => {
  calls.push(w);
  const need = (w.requests * (w.avgInputTokens + w.avgOutputTokens)) / (w.deadlineHours * H);
  return fakeH100Plan(Math.ceil(need / 1000));
};
const group = (poolId: string, count: number, tokensPerSecond: number, pricePerHour: number): TCurrentGroup => ({
  poolId,
  gpuType: poolId,
  market: "on-demand",
  tp: 1,
  count,
  role: "both",
  tokensPerSecond,
  pricePerHour,
});
const input = (over: Partial<TRecommendInput>): TRecommendInput => ({
  status: "on-track",
  observedRate: 2000,
  observedRateSd: 20,
  remainingTokens: 2000 * 3 * H,
  now: 0,
  deadline: 4 * H,
  job: { model: "llama-3.1-8b", avgInputTokens: 1000, avgOutputTokens: 250 },
  current: [group("a100", 4, 500, 4)],
  free,
  select,
  startupSeconds: 600,
  margin: 0.1,
  forecastLine: "predicted 3h vs target 4h",
  ...over,
});

describe("recommendAction", () => {
  it("holds when on track", async () => {
    expect(await recommendAction(input({}))).toEqual({ kind: "hold", explanation: "predicted 3h vs target 4h → hold" });
  });

  it("adds the optimiser's GPUs for the residual work when at risk, corrected by the observed/modelled ratio", async () => {
    calls.length = 0;
    // Needs 2000 t/s × 6 h of work in 4 h; the current 4 replicas deliver 2000 t/s (1.0× their model).
    const rec = await recommendAction(
      input({ status: "at-risk", remainingTokens: 2000 * 6 * H, forecastLine: "predicted 6h vs target 4h" }),
    );
    expect(rec.kind).toBe("add");
    if (rec.kind !== "add") return;
    const residual = 2000 * 6 * H * 1.1 - 2000 * 4 * H;
    expect(calls[0]!.deadlineHours).toBeCloseTo((4 * H - 600) / H, 9);
    expect(calls[0]!.requests).toBe(Math.ceil(residual / 1250));
    expect(rec.predictedFinish).toBeLessThanOrEqual(4 * H);
    expect(rec.explanation).toMatch(/^predicted 6h vs target 4h → \+\d+ H100-SXM \(spot\) → 3h\d\dm ✓$/);
  });

  it("says when being at risk is a matter of room: no free GPU can help (the caller may move the job)", async () => {
    const none = (): TPlan => ({
      feasible: false,
      engine: "orca",
      kind: "batch",
      alternatives: [],
      reason: "no free GPUs",
      replicas: [],
      gpus: 0,
      costPerHour: 0,
      totalCost: 0,
      tokensPerSecond: 0,
    });
    const atRisk = {
      status: "at-risk" as const,
      remainingTokens: 2000 * 6 * H,
      forecastLine: "predicted 6h vs target 4h",
    };
    expect(await recommendAction(input({ ...atRisk, select: none }))).toMatchObject({ kind: "hold", noRoom: true });
    // Too late to start anything, or enough already: no room is not the problem.
    expect(await recommendAction(input({ ...atRisk, select: none, now: 3.9 * H }))).not.toHaveProperty("noRoom");
    expect(await recommendAction(input({ status: "at-risk", select: none }))).not.toHaveProperty("noRoom");
  });

  it("refuses to add GPUs that could not start before the deadline", async () => {
    const rec = await recommendAction(input({ status: "at-risk", deadline: 300 }));
    expect(rec).toMatchObject({ kind: "hold" });
    expect(rec.explanation).toMatch(/too late/);
  });

  it("when far ahead, drops the dearest tokens first but keeps the rate the deadline needs", async () => {
    const current = [group("cheap", 4, 1000, 1), group("dear", 4, 1000, 8)];
    // 8000 t/s observed, 1 h of work at that rate, 4 h left: half the replicas can go.
    const rec = await recommendAction(
      input({ status: "ahead", observedRate: 8000, observedRateSd: 80, remainingTokens: 8000 * H, current }),
    );
    expect(rec.kind).toBe("remove");
    if (rec.kind !== "remove") return;
    expect(rec.remove[0]).toMatchObject({ poolId: "dear" });
    const kept = 8000 - rec.remove.reduce((s, g) => s + g.count * 1000, 0);
    expect(kept * 0.98).toBeGreaterThanOrEqual((8000 * H * 1.1) / (4 * H));
    expect(rec.savedCostPerHour).toBeGreaterThanOrEqual(8);
    expect(rec.explanation).toMatch(/→ −\d+ dear.*saves \$\d+\.\d\d\/h/);
  });

  it("counts a removed replica's GPUs as TP × PP", async () => {
    // Two TP2 × PP2 replicas, one of them surplus: it frees 4 GPUs (the explanation said 2).
    const current = [{ ...group("h100", 2, 1000, 8), tp: 2, pp: 2 }];
    const rec = await recommendAction(
      input({ status: "ahead", observedRate: 2000, observedRateSd: 20, remainingTokens: 1000 * H, current }),
    );
    expect(rec.kind).toBe("remove");
    expect(rec.explanation).toContain("→ −4 h100 (saves $8.00/h)");
  });
});
