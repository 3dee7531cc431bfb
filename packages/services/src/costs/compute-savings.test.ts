import { describe, expect, it } from "vitest";
import { lookupPrice } from "@koi/catalog";
import { catalogPrice, computeSavings, type TPriceOf } from "./compute-savings.ts";

const prices: TPriceOf = (gpu, market) =>
  gpu === "H100-SXM" ? (market === "on-demand" ? 12 : 4) : gpu === "L4" && market === "on-demand" ? 1 : undefined;

describe("computeSavings", () => {
  it("prices the same GPU-seconds at on-demand and serverless rates and subtracts actual spend", () => {
    const s = computeSavings(
      [
        { component: "spot", gpuType: "H100-SXM", seconds: 7200, costUsd: 6 },
        { component: "serverless", gpuType: "H100-SXM", seconds: 1800, costUsd: 2 },
        { component: "router", gpuType: null, seconds: 3600, costUsd: 0.5 },
      ],
      prices,
    );
    expect(s.gpuSeconds).toBe(9000);
    expect(s.actualUsd).toBeCloseTo(8.5);
    expect(s.onDemandBaselineUsd).toBeCloseTo(2.5 * 12);
    expect(s.serverlessBaselineUsd).toBeCloseTo(2.5 * 4);
    expect(s.savedVsOnDemandUsd).toBeCloseTo(30 - 8.5);
    expect(s.savedVsServerlessUsd).toBeCloseTo(10 - 8.5);
  });

  it("leaves GPU types without a price out of that baseline and says how much", () => {
    const s = computeSavings([{ component: "on-prem", gpuType: "L4", seconds: 3600, costUsd: 0 }], prices);
    expect(s.onDemandBaselineUsd).toBe(1);
    expect(s.serverlessBaselineUsd).toBe(0);
    expect(s.unpricedServerlessSeconds).toBe(3600);
  });

  it("is zero for no usage", () => {
    expect(computeSavings([], prices)).toMatchObject({ actualUsd: 0, savedVsOnDemandUsd: 0, savedVsServerlessUsd: 0 });
  });

  it("reads the planner catalog by default and tolerates unknown GPUs", () => {
    expect(catalogPrice("H100-SXM", "on-demand")).toBe(
      lookupPrice({ gpuType: "H100-SXM", market: "on-demand" })!.pricePerGpuHour,
    );
    expect(catalogPrice("no-such-gpu", "on-demand")).toBeUndefined();
  });
});
