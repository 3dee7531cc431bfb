import { describe, expect, it } from "vitest";
import { findModel, precisionFromName, resolveModel } from "./find-model.ts";
import { findGpu, GPUS } from "./gpus.ts";
import { MODELS } from "./model-specs.ts";
import { applyPriceOverrides, lookupPrice, PRICES } from "./prices.ts";

describe("findModel", () => {
  it.each([
    ["meta-llama/Llama-3.1-70B-Instruct", "llama-3.1-70b"],
    ["meta-llama/Llama-3.1-70B", "llama-3.1-70b"],
    ["META-LLAMA/llama-3.1-70b-instruct", "llama-3.1-70b"],
    ["llama-3.1-70b", "llama-3.1-70b"],
    ["meta-llama/Meta-Llama-3.1-8B-Instruct", "llama-3.1-8b"],
    ["neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8", "llama-3.1-8b"],
    ["meta-llama/Llama-3.3-70B-Instruct", "llama-3.1-70b"],
    ["deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "llama-3.1-70b"],
    ["mistralai/Mixtral-8x7B-Instruct-v0.1", "mixtral-8x7b"],
    ["Qwen/Qwen2.5-7B-Instruct", "qwen2.5-7b"],
    ["Qwen/Qwen2.5-72B-Instruct", "qwen2.5-72b"],
    ["Qwen/Qwen3-32B", "qwen3-32b"],
    ["deepseek-ai/DeepSeek-V3", "deepseek-v3"],
    ["llama-3.1-405b", "llama-3.1-405b"],
  ])("%s → %s", (name, id) => {
    expect(findModel(name).id).toBe(id);
  });

  it("lists close matches for an unknown name", () => {
    expect(() => findModel("meta-llama/Llama-3.1-7B-Instruct")).toThrow(/unknown model .*did you mean .*llama-3\.1-/i);
    expect(() => findModel("qwen2.5-27b")).toThrow(/qwen2\.5-/i);
  });

  it("uses a workload's architecture for models outside the catalog", () => {
    const spec = resolveModel({
      model: "acme/dense-13b",
      architecture: { layers: 40, hiddenSize: 5120, heads: 40, kvHeads: 40, ffnSize: 13824, vocabSize: 32000 },
    });
    expect(spec.paramsTotalB).toBeGreaterThan(12.5);
    expect(spec.paramsTotalB).toBeLessThan(13.5);
    const moe = resolveModel({
      model: "acme/moe",
      architecture: {
        layers: 32,
        hiddenSize: 4096,
        heads: 32,
        kvHeads: 8,
        ffnSize: 14336,
        vocabSize: 32000,
        moe: { experts: 8, topK: 2, sharedExperts: 0, expertFfnSize: 14336, denseLayers: 0 },
      },
    });
    // Same shapes as Mixtral-8x7B: 46.7B total, 12.9B active.
    expect(moe.paramsTotalB).toBeCloseTo(46.7, 0);
    expect(moe.paramsActiveB).toBeCloseTo(12.9, 0);
  });

  it("derives active parameters consistent with the published MoE figures", () => {
    const ds = findModel("deepseek-v3");
    expect(ds.paramsTotalB - ds.expertParamsB + (ds.expertParamsB * 8) / 256).toBeCloseTo(37, -1);
    for (const m of MODELS) expect(m.paramsActiveB).toBeLessThanOrEqual(m.paramsTotalB);
  });

  it.each([
    ["neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8", "fp8"],
    ["TheBloke/Llama-2-70B-AWQ", "int4"],
    ["meta-llama/Llama-3.1-70B-Instruct", "bf16"],
  ])("reads precision from %s", (name, precision) => {
    expect(precisionFromName(name)).toBe(precision);
  });
});

describe("findGpu", () => {
  it.each([
    ["H100", "H100-SXM"],
    ["NVIDIA H100 80GB HBM3", "H100-SXM"],
    ["h100-pcie", "H100-PCIe"],
    ["A100", "A100-80GB"],
    ["A100-40GB", "A100-40GB"],
    ["nvidia l40s", "L40S"],
    ["mi300x", "MI300X"],
    ["B200", "B200"],
  ])("%s → %s", (name, id) => {
    expect(findGpu(name).id).toBe(id);
  });

  it("suggests the nearest GPU for a typo", () => {
    expect(() => findGpu("H10")).toThrow(/unknown GPU "H10".*H100/);
  });

  it("suggests each GPU once, however many of its aliases are near", () => {
    // "A10G" and its alias "NVIDIA A10G" were two suggestions of one GPU: "A10G", "A10G", "L4".
    expect(() => findGpu("Nope-GPU")).toThrow('unknown GPU "Nope-GPU"; did you mean "A10G", "L4", "L40S"?');
    // A name of any length is quoted back in at most 80 characters, without suggestions past 200
    // (the edit distance would cost its length times every catalog name's).
    const long = "a".repeat(250_000);
    expect(() => findModel(long)).toThrow(`unknown model "${"a".repeat(79)}…"`);
    expect(() => findModel(long)).not.toThrow(/did you mean/);
  });

  it("covers the required GPUs", () => {
    const ids = GPUS.map((g) => g.id);
    for (const id of [
      "A10G",
      "L4",
      "L40S",
      "A100-40GB",
      "A100-80GB",
      "H100-SXM",
      "H100-PCIe",
      "H200",
      "B200",
      "MI300X",
    ])
      expect(ids).toContain(id);
  });
});

describe("prices", () => {
  it("looks up the cheapest per-GPU rate", () => {
    expect(lookupPrice({ gpuType: "H100", market: "on-demand", region: "us-east-1" })?.pricePerGpuHour).toBeCloseTo(
      12.29,
      2,
    );
    expect(lookupPrice({ gpuType: "L4", market: "spot" })?.region).toBe("us-east-2");
    expect(lookupPrice({ gpuType: "H100", market: "serverless", provider: "modal" })?.pricePerGpuSecond).toBe(0.001097);
    expect(lookupPrice({ gpuType: "MI300X", market: "on-demand" })).toBeUndefined();
  });

  it("applies org overrides without touching the catalog", () => {
    const overridden = applyPriceOverrides(PRICES, [
      { provider: "aws", gpuType: "H100", market: "on-demand", pricePerGpuHour: 6.88 },
      { provider: "coreweave", region: "us-east-04", gpuType: "MI300X", market: "reserved", pricePerGpuHour: 2.1 },
      { provider: "runpod", gpuType: "H100", market: "serverless", pricePerGpuSecond: 0.001 },
    ]);
    expect(lookupPrice({ gpuType: "H100", market: "on-demand", provider: "aws" }, overridden)?.pricePerGpuHour).toBe(
      6.88,
    );
    expect(lookupPrice({ gpuType: "MI300X", market: "reserved" }, overridden)?.source).toBe("org override");
    expect(
      lookupPrice({ gpuType: "H100", market: "serverless", provider: "runpod" }, overridden)?.pricePerGpuHour,
    ).toBeCloseTo(3.6, 5);
    expect(lookupPrice({ gpuType: "H100", market: "on-demand", provider: "aws" })?.pricePerGpuHour).toBeCloseTo(
      12.29,
      2,
    );
  });
});
