import { describe, expect, it } from "vitest";
import { findModel } from "@koi/catalog";
import { ENGINE_PROFILES } from "./engine-profiles.ts";
import { predictPerformance, type TPerfInput } from "./predict-performance.ts";
import { kvBytesPerToken, touchedWeightBytesPerGpu } from "./roofline.ts";

// Every measurement in PERF_MODEL_AND_PRICES.md §4 with enough setup to reproduce, plus the 405B
// rows of the same Lambda table. ShareGPT means (205 in / 197 out) and the burst concurrency come
// from Lambda's raw result JSON (results/prompt_320/4xH100-80GB-SXM/…70B-Instruct-FP8_tp4_len2048.json:
// 65,578 in and 62,996 out tokens over 320 prompts; longest output 770 tokens, so a burst of 320
// prompts averages 62,996 / 770 ≈ 82 sequences in flight).
//
// Excluded, and why:
// - TRT-LLM Llama-2-70B FP16 A100 TP4 bs240 128/2048 "525 out tok/s": the table does not say per GPU
//   or in total, a 4× ambiguity (TP4) that no 25% test can resolve.
// - NIM "saturates at ~920 tok/s": no concurrency or KV setting given.
// - vLLM 0.6 vs 0.5.3 and Lambda H100 vs A100: ratios without the lengths, TP or batch behind them
//   (the H100/A100 direction is checked separately below).
// - "Llama-70B 4×A100 batch 128 → 1,820 tok/s": a pitch claim, not a measurement.
const SHAREGPT = { inputTokens: 205, outputTokens: 197, maxNumSeqs: 256 };
const OLD_VLLM = ENGINE_PROFILES["vllm-0.5"];
const trt = (batch: number) => ({ ...ENGINE_PROFILES.modern, maxNumSeqs: batch });
// NIM's FP8 profiles keep the KV cache in FP8; with BF16 KV, 50 × 5.5k-token sequences would not fit.
const NIM = {
  model: "meta-llama/Llama-3.3-70B-Instruct",
  precision: "fp8",
  kvPrecision: "fp8",
  gpu: "H100-SXM",
  tp: 2,
  inputTokens: 5000,
  outputTokens: 500,
} as const;

type TMeasurement = {
  name: string;
  input: TPerfInput;
  metric: "outputTokensPerSecond" | "tpotMs" | "ttftMs";
  measured: number;
};

const MEASUREMENTS: TMeasurement[] = [
  // LambdaLabsML/vllm-benchmark benchmark_v0.md: 5,000 prompts, rps=inf, max-num-seq 256, H100-SXM.
  {
    name: "Lambda 8B TP1 vLLM 0.5.4 out tok/s",
    input: { model: "llama-3.1-8b", gpu: "H100-SXM", tp: 1, ...SHAREGPT, engine: OLD_VLLM },
    metric: "outputTokensPerSecond",
    measured: 3032,
  },
  {
    name: "Lambda 8B TP1 vLLM 0.5.4 TPOT",
    input: { model: "llama-3.1-8b", gpu: "H100-SXM", tp: 1, ...SHAREGPT, engine: OLD_VLLM },
    metric: "tpotMs",
    measured: 64.06,
  },
  {
    name: "Lambda 8B TP1 vLLM 0.6.0 out tok/s",
    input: { model: "llama-3.1-8b", gpu: "H100-SXM", tp: 1, ...SHAREGPT },
    metric: "outputTokensPerSecond",
    measured: 8088,
  },
  {
    name: "Lambda 8B TP1 vLLM 0.6.0 TPOT",
    input: { model: "llama-3.1-8b", gpu: "H100-SXM", tp: 1, ...SHAREGPT },
    metric: "tpotMs",
    measured: 25.57,
  },
  {
    name: "Lambda 70B TP4 vLLM 0.5.4 out tok/s",
    input: { model: "llama-3.1-70b", gpu: "H100-SXM", tp: 4, ...SHAREGPT, engine: OLD_VLLM },
    metric: "outputTokensPerSecond",
    measured: 1492,
  },
  {
    name: "Lambda 70B TP4 vLLM 0.5.4 TPOT",
    input: { model: "llama-3.1-70b", gpu: "H100-SXM", tp: 4, ...SHAREGPT, engine: OLD_VLLM },
    metric: "tpotMs",
    measured: 125.78,
  },
  {
    name: "Lambda 70B TP4 vLLM 0.6.0 out tok/s",
    input: { model: "llama-3.1-70b", gpu: "H100-SXM", tp: 4, ...SHAREGPT },
    metric: "outputTokensPerSecond",
    measured: 3543,
  },
  {
    name: "Lambda 70B TP4 vLLM 0.6.0 TPOT",
    input: { model: "llama-3.1-70b", gpu: "H100-SXM", tp: 4, ...SHAREGPT },
    metric: "tpotMs",
    measured: 61.1,
  },
  {
    name: "Lambda 405B-FP8 TP8 vLLM 0.5.4 out tok/s",
    input: { model: "llama-3.1-405b", precision: "fp8", gpu: "H100-SXM", tp: 8, ...SHAREGPT, engine: OLD_VLLM },
    metric: "outputTokensPerSecond",
    measured: 1220,
  },
  {
    name: "Lambda 405B-FP8 TP8 vLLM 0.6.0 out tok/s",
    input: { model: "llama-3.1-405b", precision: "fp8", gpu: "H100-SXM", tp: 8, ...SHAREGPT },
    metric: "outputTokensPerSecond",
    measured: 1714,
  },
  {
    name: "Lambda 405B-FP8 TP8 vLLM 0.6.0 TPOT",
    input: { model: "llama-3.1-405b", precision: "fp8", gpu: "H100-SXM", tp: 8, ...SHAREGPT },
    metric: "tpotMs",
    measured: 112.2,
  },
  // Same report, 320-prompt burst table (vLLM 0.5.4): throughput / median TPOT.
  ...(
    [
      ["70B-FP8 4×A100-80", "meta-llama/Llama-3.1-70B-Instruct-FP8", "A100-80GB", 4, 956.53, 88.25],
      ["70B-FP8 4×H100", "meta-llama/Llama-3.1-70B-Instruct-FP8", "H100-SXM", 4, 2242.99, 38.26],
      ["8B-FP8 1×A100-80", "neuralmagic/Meta-Llama-3.1-8B-FP8", "A100-80GB", 1, 1517.54, 42.85],
      ["8B-FP8 1×H100", "neuralmagic/Meta-Llama-3.1-8B-FP8", "H100-SXM", 1, 3400.4, 19.75],
    ] as const
  ).flatMap(([label, model, gpu, tp, tps, tpot]): TMeasurement[] => {
    const input = { model, gpu, tp, ...SHAREGPT, batch: 82, engine: OLD_VLLM };
    return [
      { name: `Lambda burst ${label} out tok/s`, input, metric: "outputTokensPerSecond", measured: tps },
      { name: `Lambda burst ${label} TPOT`, input, metric: "tpotMs", measured: tpot },
    ];
  }),
  // NVIDIA/TensorRT-LLM docs/source/performance.md (0.6.1): FP8 with FP8 KV (bs768 × 256 tokens of
  // Llama-2-7B's MHA cache needs 100 GB in BF16, so the run must have used FP8 KV).
  {
    name: "TRT-LLM Llama-2-7B FP8 H100 bs768 128/128",
    input: {
      model: "llama-2-7b",
      precision: "fp8",
      kvPrecision: "fp8",
      gpu: "H100-SXM",
      tp: 1,
      inputTokens: 128,
      outputTokens: 128,
      batch: 768,
      engine: trt(768),
    },
    metric: "outputTokensPerSecond",
    measured: 19694,
  },
  {
    name: "TRT-LLM Llama-2-70B FP8 H100 TP2 bs1024 128/128 (2 GPUs)",
    input: {
      model: "llama-2-70b",
      precision: "fp8",
      kvPrecision: "fp8",
      gpu: "H100-SXM",
      tp: 2,
      inputTokens: 128,
      outputTokens: 128,
      batch: 1024,
      engine: trt(1024),
    },
    metric: "outputTokensPerSecond",
    measured: 2657 * 2,
  },
  {
    name: "TRT-LLM Llama-2-70B A100 TP4 bs1 TTFT 128 in",
    input: { model: "llama-2-70b", gpu: "A100-80GB", tp: 4, inputTokens: 128, outputTokens: 1, batch: 1 },
    metric: "ttftMs",
    measured: 47,
  },
  {
    name: "TRT-LLM Llama-2-70B A100 TP4 bs1 TTFT 2048 in",
    input: { model: "llama-2-70b", gpu: "A100-80GB", tp: 4, inputTokens: 2048, outputTokens: 1, batch: 1 },
    metric: "ttftMs",
    measured: 377,
  },
  // docs.nvidia.com/nim/benchmarking/llm (NIM 1.8.0), 5,000 in / 500 out on 2×H100.
  { name: "NIM 70B-FP8 2×H100 c=1 TTFT", input: { ...NIM, batch: 1 }, metric: "ttftMs", measured: 407 },
  { name: "NIM 70B-FP8 2×H100 c=1 ITL", input: { ...NIM, batch: 1 }, metric: "tpotMs", measured: 18.6 },
  { name: "NIM 70B-FP8 2×H100 c=50 TTFT", input: { ...NIM, batch: 50 }, metric: "ttftMs", measured: 835 },
  { name: "NIM 70B-FP8 2×H100 c=50 ITL", input: { ...NIM, batch: 50 }, metric: "tpotMs", measured: 59.7 },
  {
    name: "NIM 70B-FP8 2×H100 c=50 out tok/s",
    input: { ...NIM, batch: 50 },
    metric: "outputTokensPerSecond",
    measured: 814,
  },
];

describe("predictPerformance against published measurements", () => {
  const rows = MEASUREMENTS.map((m) => {
    const predicted = predictPerformance(m.input)[m.metric];
    return { name: m.name, measured: m.measured, predicted, ratio: predicted / m.measured };
  });

  it.each(rows)("$name is within 2× (predicted $predicted vs $measured)", ({ ratio }) => {
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it("has a median absolute error of at most 25%", () => {
    const errors = rows.map((r) => Math.abs(r.ratio - 1)).sort((a, b) => a - b);
    const median = errors[Math.floor(errors.length / 2)] ?? Infinity;
    expect(rows.length).toBeGreaterThanOrEqual(25);
    expect(median).toBeLessThanOrEqual(0.25);
  });

  it("puts H100 at roughly 2× A100 for a 7B model (Lambda: 2.06×)", () => {
    const at = (gpu: string) =>
      predictPerformance({ model: "mistral-7b", gpu, tp: 1, ...SHAREGPT, batch: 82, engine: OLD_VLLM })
        .outputTokensPerSecond;
    const ratio = at("H100-SXM") / at("A100-80GB");
    expect(ratio).toBeGreaterThan(1.4);
    expect(ratio).toBeLessThan(3);
  });
});

describe("predictPerformance mechanics", () => {
  it.each([
    ["llama-3.1-8b", 128 * 1024],
    ["llama-3.1-70b", 320 * 1024],
    ["llama-3.1-405b", 504 * 1024],
    ["qwen2.5-7b", 56 * 1024],
    ["deepseek-v3", 68.625 * 1024],
  ])("KV bytes per token of %s match the research table", (name, expected) => {
    expect(kvBytesPerToken(findModel(name), 2)).toBeCloseTo(expected, -1);
  });

  it.each([
    ["llama-3.1-405b", "L4", 1, /weights need/],
    ["llama-3.1-70b", "H100-SXM", 1, /weights need/],
    ["llama-3.1-70b", "A10G", 16, /TP 16 exceeds/],
  ])("%s on %s TP%i does not fit", (model, gpu, tp, reason) => {
    const r = predictPerformance({ model, gpu, tp, inputTokens: 1000, outputTokens: 300 });
    expect(r.fits).toBe(false);
    expect(r.reason).toMatch(reason);
    expect(r.tokensPerSecond).toBe(0);
  });

  it("trades latency for throughput as the batch grows", () => {
    const at = (batch: number) =>
      predictPerformance({
        model: "llama-3.1-70b",
        gpu: "H100-SXM",
        tp: 4,
        inputTokens: 1000,
        outputTokens: 300,
        batch,
      });
    const small = at(8);
    const large = at(128);
    expect(large.tokensPerSecond).toBeGreaterThan(small.tokensPerSecond * 3);
    expect(large.tpotMs).toBeGreaterThan(small.tpotMs);
    expect(large.ttftMs).toBeGreaterThan(small.ttftMs);
  });

  it("caps the batch at what the KV cache holds", () => {
    const r = predictPerformance({
      model: "llama-3.1-70b",
      gpu: "A100-80GB",
      tp: 4,
      inputTokens: 8000,
      outputTokens: 1000,
      batch: 10_000,
    });
    expect(r.fits).toBe(true);
    expect(r.batch).toBe(r.maxConcurrency);
    expect(r.maxConcurrency).toBeLessThan(60);
  });

  it("reads only the touched experts of a MoE model at small batch", () => {
    const mixtral = findModel("mixtral-8x7b");
    const atOneToken = touchedWeightBytesPerGpu(mixtral, 1, 1, 2) / 1e9;
    const atManyTokens = touchedWeightBytesPerGpu(mixtral, 1, 512, 2) / 1e9;
    expect(atOneToken).toBeCloseTo(2 * mixtral.paramsActiveB, 0);
    expect(atManyTokens).toBeCloseTo(2 * mixtral.paramsTotalB, 0);
    const small = predictPerformance({
      model: mixtral,
      gpu: "H100-SXM",
      tp: 2,
      inputTokens: 200,
      outputTokens: 200,
      batch: 1,
    });
    const dense = predictPerformance({
      model: "llama-3.1-70b",
      gpu: "H100-SXM",
      tp: 4,
      inputTokens: 200,
      outputTokens: 200,
      batch: 1,
    });
    expect(small.tpotMs).toBeLessThan(dense.tpotMs);
  });

  it("scales throughput and latency by a calibration factor", () => {
    const base = { model: "llama-3.1-8b", gpu: "L4", tp: 1, inputTokens: 500, outputTokens: 200 } as const;
    const raw = predictPerformance(base);
    const slow = predictPerformance({ ...base, calibration: 0.7 });
    expect(slow.tokensPerSecond / raw.tokensPerSecond).toBeCloseTo(0.7, 5);
    expect(slow.tpotMs / raw.tpotMs).toBeCloseTo(1 / 0.7, 5);
  });

  it("reads FP8 from the model name", () => {
    const r = predictPerformance({
      model: "neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8",
      gpu: "H100",
      tp: 1,
      inputTokens: 100,
      outputTokens: 100,
    });
    expect(r.precision).toBe("fp8");
    expect(r.weightsGbPerGpu).toBeCloseTo(8.03, 1);
  });
});
