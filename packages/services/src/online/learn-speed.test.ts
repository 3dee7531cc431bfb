import { describe, expect, it } from "vitest";
import { latencyAtRate, profileReplica, speedKey } from "@koi/planner";
import { learnSpeed, type TSpeedSample } from "./learn-speed.ts";

const shape = {
  model: "meta-llama/Llama-3.1-8B-Instruct",
  gpu: "L4",
  tp: 1,
  inputTokens: 400,
  outputTokens: 150,
};

/** A minute on `replicas` spot replicas of `gpu` running at `speed` × the model, at `rps` in all. */
function served(gpu: string, speed: number, replicas: number, rps: number): TSpeedSample {
  const tpot = latencyAtRate(profileReplica({ ...shape, gpu, speed }), rps / replicas).tpotP95Ms;
  return { requestsPerSecond: rps, pctSpot: 100, spotReplicas: replicas, tpotP95Ms: tpot, spotGpuType: gpu };
}

describe("learnSpeed", () => {
  it("learns each spot service's speed from the samples it served, not from the others'", () => {
    // The service was moved from L4 (running at 0.7 × the model) to L40S (at the model's speed).
    const samples = [
      ...Array.from({ length: 10 }, () => served("L4", 0.7, 4, 6)),
      ...Array.from({ length: 10 }, () => served("L40S", 1, 1, 6)),
    ];
    const { table } = learnSpeed(samples, { ...shape, gpu: "L40S" });
    expect(table[speedKey("L4", 1)]).toBeCloseTo(0.7, 1);
    expect(table[speedKey("L40S", 1)]).toBeCloseTo(1, 1);
  });

  it("counts samples that name no service (a one-service agent) as the one serving now", () => {
    const samples = Array.from({ length: 5 }, () => ({ ...served("L4", 0.8, 2, 3), spotGpuType: null }));
    expect(learnSpeed(samples, shape).table).toEqual({ [speedKey("L4", 1)]: expect.closeTo(0.8, 1) });
  });
});
