import { describe, expect, it } from "vitest";
import { decisionKind, stabilisePolicy } from "./plan-online-service.ts";

const policy = (min: number, max: number, concurrency = 32, workersMax = 2, targetQps = 2) => ({
  spot: { min_replicas: min, max_replicas: max, target_qps: targetQps, upscale_delay: 60, downscale_delay: 300 },
  serverless: { concurrency, scaledown_window: 60, workers_min: 0, workers_max: workersMax },
});

describe("stabilisePolicy", () => {
  it("the first policy goes out as planned", () => {
    expect(stabilisePolicy(policy(2, 3), "initial", null)).toEqual(policy(2, 3));
  });
  it("a hold keeps a higher ceiling and the concurrency in force when close", () => {
    expect(stabilisePolicy(policy(2, 3, 36, 1), "hold", policy(2, 5, 32, 2))).toEqual(policy(2, 5, 32, 2));
  });
  it("a hold raises the ceiling at once; a big concurrency change goes out", () => {
    expect(stabilisePolicy(policy(2, 6, 8), "hold", policy(2, 5, 32))).toEqual(policy(2, 6, 8));
  });
  it("a scale-down lowers the ceiling too", () => {
    expect(stabilisePolicy(policy(1, 2), "scale_down", policy(3, 5))).toEqual(policy(1, 2));
  });
});

describe("decisionKind", () => {
  it.each([
    ["hold", true, policy(2, 6), policy(2, 5), "scale_up"],
    ["hold", true, policy(2, 5, 16), policy(2, 5, 32), "scale_down"],
    ["scale_down", true, policy(1, 2), policy(3, 5), "scale_down"],
    ["initial", true, policy(1, 2), null, "initial"],
    ["hold", true, policy(1, 2), null, "initial"],
    ["scale_up", false, policy(8, 8), policy(3, 5), "slo_unreachable"],
    // Same replicas and workers, only the rate per replica moved: no capacity changed.
    ["hold", true, policy(3, 3, 32, 2, 11), policy(3, 3, 32, 2, 10), "replan"],
    ["scale_up", true, policy(3, 3, 32, 2, 11), policy(3, 3, 32, 2, 10), "replan"],
  ] as const)("%s (feasible %s) → %s", (planned, feasible, next, prev, want) => {
    expect(decisionKind(planned, feasible, next, prev)).toBe(want);
  });
});
