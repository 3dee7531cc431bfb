import { describe, expect, it } from "vitest";
import { describeGpuMix, gpuMixRows } from "./gpu-mix-rows";

describe("gpuMixRows / describeGpuMix", () => {
  const mix = gpuMixRows([
    { gpuType: "H100-SXM", market: "spot", gpus: 8 },
    { gpuType: "H100-SXM", market: "on-demand", gpus: 8 },
    { gpuType: "H100-SXM", market: "spot", gpus: 8 },
    { gpuType: "L4", market: "serverless", gpus: 1 },
  ]);

  it("stacks each GPU type's markets into one row", () => {
    expect(mix.rows).toEqual([
      { gpuType: "H100-SXM", spot: 16, "on-demand": 8 },
      { gpuType: "L4", serverless: 1 },
    ]);
    expect(mix.markets).toEqual(["spot", "on-demand", "serverless"]);
  });

  it("says the chart in one sentence, leaving out markets a type does not use", () => {
    expect(describeGpuMix(mix, 25)).toBe("25 GPUs in use: H100-SXM 16 spot, 8 on-demand; L4 1 serverless.");
  });
});
