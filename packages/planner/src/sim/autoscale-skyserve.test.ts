import { describe, expect, it } from "vitest";
import { stepSkyServe, type TAutoscalerState } from "./autoscale-skyserve.ts";
import type { TSpotPolicy } from "./online-week-types.ts";

const POLICY: TSpotPolicy = {
  minReplicas: 2,
  maxReplicas: 6,
  targetQps: 5,
  upscaleDelaySeconds: 60,
  downscaleDelaySeconds: 300,
};

/** Feeds (t, replicas, qps) steps through one autoscaler and returns the change asked at each. */
function run(steps: [number, number, number][], policy = POLICY): number[] {
  const state: TAutoscalerState = { upSince: null, downSince: null };
  return steps.map(([t, replicas, qps]) => stepSkyServe(state, policy, replicas, qps, t));
}

describe("stepSkyServe (SkyServe's QPS autoscaler)", () => {
  it.each([
    { label: "holds when qps ÷ target matches the fleet", steps: [[0, 3, 14]], want: [0] },
    { label: "repairs a fleet under min_replicas at once", steps: [[0, 0, 0]], want: [2] },
    {
      label: "waits upscale_delay before adding",
      steps: [
        [0, 3, 24],
        [30, 3, 24],
        [60, 3, 24],
      ],
      want: [0, 0, 2],
    },
    {
      label: "forgets an excess that went away",
      steps: [
        [0, 3, 24],
        [30, 3, 10],
        [60, 3, 24],
      ],
      want: [0, 0, 0],
    },
    {
      label: "waits downscale_delay before removing, never below min",
      steps: [
        [0, 5, 1],
        [200, 5, 1],
        [300, 5, 1],
      ],
      want: [0, 0, -3],
    },
    {
      label: "never above max_replicas",
      steps: [
        [0, 6, 500],
        [120, 6, 500],
      ],
      want: [0, 0],
    },
  ] as { label: string; steps: [number, number, number][]; want: number[] }[])("$label", ({ steps, want }) => {
    expect(run(steps)).toEqual(want);
  });
});
