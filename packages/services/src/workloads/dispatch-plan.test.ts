import { describe, expect, it } from "vitest";
import { findGpu } from "@koi/catalog";
import {
  correctionFactor,
  emptyCalibration,
  recordObservation,
  type TCalibrationTable,
  type TPlanOption,
  type TReplicaGroup,
} from "@koi/planner";
import { placementFor } from "./dispatch-plan.ts";

// placementFor turns a plan's totals into the one replica group an Assignment runs: the largest
// group (by GPUs), its share of the plan's throughput and cost, per replica, and the throughput
// without the org's calibration. Every field is checked with round numbers, so a changed operator
// shows up as a wrong value, not a slightly different float.

const MODEL = "meta-llama/Llama-3.1-70B-Instruct";
const AGENT = "agent-1";

const group = (over: Partial<TReplicaGroup> & Pick<TReplicaGroup, "poolId">): TReplicaGroup => ({
  gpuType: "L40S",
  market: "spot",
  tp: 4,
  count: 2,
  role: "both",
  ...over,
});

const option = (replicas: TReplicaGroup[], over: Partial<TPlanOption> = {}): TPlanOption => ({
  replicas,
  gpus: 16,
  costPerHour: 32,
  totalCost: 64,
  tokensPerSecond: 6400,
  ...over,
});

/** Two reports of twice the predicted throughput: past the prior pseudo-report, the factor is exactly 2. */
function calibratedTwice(key: { model: string; gpu: string; tp: number }): TCalibrationTable {
  const once = recordObservation(emptyCalibration(), {
    ...key,
    observedTokensPerSecond: 2000,
    predictedTokensPerSecond: 1000,
  });
  return recordObservation(once, { ...key, observedTokensPerSecond: 3000, predictedTokensPerSecond: 1500 });
}

describe("placementFor", () => {
  it("gives the whole plan to its only group, per replica", () => {
    const placement = placementFor(
      option([group({ poolId: "pool-a", count: 4, tp: 4 })], { gpus: 16 }),
      AGENT,
      MODEL,
      emptyCalibration(),
    );
    expect(placement).toEqual({
      poolId: "pool-a",
      agentId: AGENT,
      gpuType: "L40S",
      market: "spot",
      tp: 4,
      pp: 1,
      replicas: 4,
      gpus: 16,
      predictedTps: 1600, // 6400 tok/s over 4 replicas
      rawPredictedTps: 1600, // no calibration: factor 1
      replicaCostPerHour: 8, // $32/h over 4 replicas
    });
  });

  it("marks a prefill/decode plan's placement as a split, which the forecaster does not scale", () => {
    const replicas = [
      group({ poolId: "prefill", gpuType: "H100-SXM", count: 1, tp: 2, role: "prefill" }),
      group({ poolId: "decode", count: 3, tp: 2, role: "decode" }),
    ];
    const placement = placementFor(option(replicas, { gpus: 8 }), AGENT, MODEL, emptyCalibration());
    expect(placement).toMatchObject({ poolId: "decode", replicas: 3, split: true });
  });

  it("runs the group with the most GPUs (count × TP × PP), not the most replicas or the widest TP", () => {
    const replicas = [
      group({ poolId: "many-small", gpuType: "A100-80GB", market: "on-demand", count: 6, tp: 1 }), // 6 GPUs
      group({ poolId: "wide", gpuType: "H100-SXM", market: "on-demand", count: 1, tp: 8 }), // 8 GPUs
      group({ poolId: "staged", gpuType: "L40S", market: "spot", count: 2, tp: 2, pp: 3 }), // 12 GPUs
    ];
    // The plan's totals: 26 GPUs; the staged group holds 12 of them.
    const placement = placementFor(
      option(replicas, { gpus: 26, tokensPerSecond: 2600, costPerHour: 52 }),
      AGENT,
      MODEL,
      emptyCalibration(),
    );
    expect(placement).toEqual({
      poolId: "staged",
      agentId: AGENT,
      gpuType: "L40S",
      market: "spot",
      tp: 2,
      pp: 3,
      replicas: 2,
      gpus: 12,
      predictedTps: 600, // 2600 × 12/26 over 2 replicas
      rawPredictedTps: 600,
      replicaCostPerHour: 12, // 52 × 12/26 over 2 replicas
    });
  });

  it("takes the group's share of the plan's totals in proportion to its GPUs", () => {
    // Three quarters of the plan's 8 GPUs run on the 3 × TP2 group.
    const replicas = [
      group({ poolId: "pool-small", count: 2, tp: 1 }),
      group({ poolId: "pool-big", gpuType: "H100-SXM", market: "reserved", count: 3, tp: 2 }),
    ];
    const placement = placementFor(
      option(replicas, { gpus: 8, tokensPerSecond: 4000, costPerHour: 12 }),
      AGENT,
      MODEL,
      emptyCalibration(),
    );
    expect(placement).toEqual({
      poolId: "pool-big",
      agentId: AGENT,
      gpuType: "H100-SXM",
      market: "reserved",
      tp: 2,
      pp: 1,
      replicas: 3,
      gpus: 6,
      predictedTps: 1000, // 4000 × 0.75 / 3
      rawPredictedTps: 1000,
      replicaCostPerHour: 3, // 12 × 0.75 / 3
    });
  });

  it("keeps the first of two groups with as many GPUs", () => {
    const fourByTwo = group({ poolId: "four-by-two", count: 4, tp: 2 }); // 8 GPUs
    const oneByEight = group({ poolId: "one-by-eight", gpuType: "H100-SXM", count: 1, tp: 8 }); // 8 GPUs
    const first = placementFor(option([fourByTwo, oneByEight]), AGENT, MODEL, emptyCalibration());
    const swapped = placementFor(option([oneByEight, fourByTwo]), AGENT, MODEL, emptyCalibration());
    expect(first).toMatchObject({ poolId: "four-by-two", replicas: 4, tp: 2, gpus: 8 });
    expect(swapped).toMatchObject({ poolId: "one-by-eight", replicas: 1, tp: 8, gpus: 8 });
    // Half of 16 GPUs each way: 6400 × 0.5 over the group's replicas.
    expect(first).toMatchObject({ predictedTps: 800, replicaCostPerHour: 4 });
    expect(swapped).toMatchObject({ predictedTps: 3200, replicaCostPerHour: 16 });
  });

  it("gives the group the whole plan when the plan reports no GPUs (no division by zero)", () => {
    const replicas = [group({ poolId: "pool-a", count: 2, tp: 4 }), group({ poolId: "pool-b", count: 1, tp: 2 })];
    const placement = placementFor(
      option(replicas, { gpus: 0, tokensPerSecond: 3000, costPerHour: 10 }),
      AGENT,
      MODEL,
      emptyCalibration(),
    );
    expect(placement).toEqual({
      poolId: "pool-a",
      agentId: AGENT,
      gpuType: "L40S",
      market: "spot",
      tp: 4,
      pp: 1,
      replicas: 2,
      gpus: 8,
      predictedTps: 1500, // share 1: 3000 over 2 replicas
      rawPredictedTps: 1500,
      replicaCostPerHour: 5, // share 1: $10/h over 2 replicas
    });
  });

  it("counts pipeline stages in the group's GPUs and reports them, and PP 1 when the plan gives none", () => {
    const staged = placementFor(
      option([group({ poolId: "pool-a", count: 1, tp: 4, pp: 2 })], { gpus: 8 }),
      AGENT,
      MODEL,
      emptyCalibration(),
    );
    expect(staged).toMatchObject({ tp: 4, pp: 2, replicas: 1, gpus: 8, predictedTps: 6400, replicaCostPerHour: 32 });
    const unstaged = placementFor(
      option([group({ poolId: "pool-a", count: 1, tp: 4 })], { gpus: 4 }),
      AGENT,
      MODEL,
      emptyCalibration(),
    );
    expect(unstaged).toMatchObject({ tp: 4, pp: 1, replicas: 1, gpus: 4 });
  });

  it("takes the calibration out of rawPredictedTps, keyed by the model, the catalog GPU id and the TP", () => {
    // The engine names its GPUs its own way; the calibration is recorded under the catalog id.
    const engineName = "NVIDIA H100 80GB HBM3";
    const key = { model: MODEL, gpu: findGpu(engineName).id, tp: 4 };
    const calibration = calibratedTwice(key);
    expect(key.gpu).toBe("H100-SXM");
    expect(correctionFactor(calibration, key)).toBe(2);

    const placement = placementFor(
      option([group({ poolId: "pool-h100", gpuType: engineName, market: "on-demand", count: 2, tp: 4 })], {
        gpus: 8,
        tokensPerSecond: 4000,
        costPerHour: 40,
      }),
      AGENT,
      MODEL,
      calibration,
    );
    expect(placement).toEqual({
      poolId: "pool-h100",
      agentId: AGENT,
      gpuType: engineName,
      market: "on-demand",
      tp: 4,
      pp: 1,
      replicas: 2,
      gpus: 8,
      predictedTps: 2000, // the plan's figure is already calibrated
      rawPredictedTps: 1000, // 2000 ÷ factor 2: what the uncalibrated model predicts
      replicaCostPerHour: 20,
    });
  });

  it("leaves rawPredictedTps alone when the calibration is for another model or another TP", () => {
    const calibration = calibratedTwice({ model: MODEL, gpu: "L40S", tp: 2 });
    const otherTp = placementFor(
      option([group({ poolId: "pool-a", count: 2, tp: 4 })], { gpus: 8, tokensPerSecond: 4000 }),
      AGENT,
      MODEL,
      calibration,
    );
    expect(otherTp).toMatchObject({ predictedTps: 2000, rawPredictedTps: 2000 });
    const otherModel = placementFor(
      option([group({ poolId: "pool-a", count: 2, tp: 2 })], { gpus: 4, tokensPerSecond: 4000 }),
      AGENT,
      "meta-llama/Llama-3.1-8B-Instruct",
      calibration,
    );
    expect(otherModel).toMatchObject({ predictedTps: 2000, rawPredictedTps: 2000 });
    const same = placementFor(
      option([group({ poolId: "pool-a", count: 2, tp: 2 })], { gpus: 4, tokensPerSecond: 4000 }),
      AGENT,
      MODEL,
      calibration,
    );
    expect(same).toMatchObject({ predictedTps: 2000, rawPredictedTps: 1000 });
  });

  it("has no placement for a plan without replicas", () => {
    expect(placementFor(option([], { gpus: 0 }), AGENT, MODEL, emptyCalibration())).toBeNull();
  });
});
