import type { TPlan } from "../types.ts";

/**
 * What a fake optimiser answers in the forecast tests: `count` H100 spot replicas of 1,000 tokens/s
 * at $3/h each (tests only).
 */
export function fakeH100Plan(count: number): TPlan {
  return {
    feasible: true,
    engine: "orca",
    kind: "batch",
    alternatives: [],
    reason: "fake",
    replicas: [{ poolId: "h100", gpuType: "H100-SXM", market: "spot", tp: 1, count, role: "both" }],
    gpus: count,
    costPerHour: 3 * count,
    totalCost: 0,
    tokensPerSecond: 1000 * count,
  };
}
