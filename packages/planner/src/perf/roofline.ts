import type { TGpuSpec, TModelSpec } from "@koi/catalog";
import type { TPrecision } from "../types.ts";

// Roofline building blocks (formulas: PERF_MODEL_AND_PRICES.md §3). Units: bytes, FLOPs, seconds.

export const BYTES_PER_PARAM: Record<TPrecision, number> = { bf16: 2, fp8: 1, int4: 0.5 };

/**
 * Achieved fractions of peak. Memory: llm-analysis treats 0.9 as aggressive; calculon uses 0.9 for
 * large transfers; GDDR parts fall further short. Compute: llm-analysis suggests ≤ 0.7 for
 * inference; FP8 kernels reach a lower share of their (doubled) peak than BF16 ones.
 */
export const EFFICIENCY = {
  memory: { hbm: 0.8, gddr: 0.7 },
  compute: { bf16: 0.5, fp8: 0.45 },
  /** Below this many tokens a GEMM cannot fill the GPU (calculon: 0.6 tiny vs 0.95 large). */
  computeRampTokens: 256,
  /** Latency per all-reduce beyond the bandwidth term (research: α ≈ 5–20 µs). */
  allReduceLatencyS: { nvlink: 8e-6, pcie: 25e-6 },
  /** Overlap of memory-bound and compute-bound work inside one mixed step (0 = perfect overlap). */
  overlapPenalty: 0.5,
} as const;

export function peakFlops(gpu: TGpuSpec, precision: TPrecision): { flops: number; efficiency: number } {
  // Weight-only quantisation (FP8 on A100, any INT4) dequantises to BF16 tensor cores.
  if (precision === "fp8" && gpu.fp8Tflops !== undefined)
    return { flops: gpu.fp8Tflops * 1e12, efficiency: EFFICIENCY.compute.fp8 };
  return { flops: gpu.bf16Tflops * 1e12, efficiency: EFFICIENCY.compute.bf16 };
}

/** GEMM efficiency falls for small token counts, where the weights dominate the traffic. */
export function computeEfficiency(base: number, tokens: number): number {
  return base * Math.min(1, 0.5 + (0.5 * tokens) / EFFICIENCY.computeRampTokens);
}

/** KV-cache bytes one token occupies on each GPU of a TP group. */
export function kvBytesPerTokenPerGpu(model: TModelSpec, tp: number, kvBytes: number): number {
  // MLA stores one latent per layer, replicated on every TP rank.
  if (model.mla) return model.layers * (model.mla.kvLoraRank + model.mla.ropeDim) * kvBytes;
  // KV heads shard across TP ranks; with fewer heads than ranks they are replicated.
  const headsPerGpu = Math.max(1, model.kvHeads / tp);
  return 2 * model.layers * headsPerGpu * model.headDim * kvBytes;
}

export function kvBytesPerToken(model: TModelSpec, kvBytes: number): number {
  return kvBytesPerTokenPerGpu(model, 1, kvBytes);
}

/** Width of the attention score/value products per token and layer. */
export function attentionWidth(model: TModelSpec): number {
  // Absorbed MLA attends over the 512+64 latent for every head.
  return model.mla ? model.heads * (model.mla.kvLoraRank + model.mla.ropeDim) : model.heads * model.headDim;
}

/**
 * Weight bytes a decode step must stream from one GPU. MoE: only the experts some token in the
 * batch routes to are read; with uniform routing the expected share touched is 1 − (1 − k/E)^B.
 */
export function touchedWeightBytesPerGpu(
  model: TModelSpec,
  tp: number,
  batchTokens: number,
  weightBytes: number,
): number {
  const dense = (model.paramsTotalB - model.expertParamsB) * 1e9 * weightBytes;
  if (!model.moe) return dense / tp;
  const { experts, topK } = model.moe;
  const share = 1 - Math.pow(1 - topK / experts, Math.max(1, batchTokens));
  return (dense + share * model.expertParamsB * 1e9 * weightBytes) / tp;
}

/** Time for the 2 all-reduces per layer (attention out, MLP out) over `tokens` activations. */
export function allReduceSeconds(model: TModelSpec, gpu: TGpuSpec, tp: number, tokens: number): number {
  if (tp <= 1) return 0;
  const bytes = ((2 * (tp - 1)) / tp) * tokens * model.hiddenSize * 2;
  const alpha = gpu.interconnectGBs >= 200 ? EFFICIENCY.allReduceLatencyS.nvlink : EFFICIENCY.allReduceLatencyS.pcie;
  return 2 * model.layers * (bytes / (gpu.interconnectGBs * 1e9) + alpha);
}

/** FLOPs of a forward pass over `tokens` new tokens that attend to `context` earlier tokens each. */
export function forwardFlops(model: TModelSpec, tokens: number, context: number): number {
  return 2 * model.paramsActiveB * 1e9 * tokens + 4 * model.layers * tokens * context * attentionWidth(model);
}

/** Combines memory and compute time of one step; engines overlap the two only partly. */
export function combineRoofline(memoryS: number, computeS: number): number {
  return Math.max(memoryS, computeS) + EFFICIENCY.overlapPenalty * Math.min(memoryS, computeS);
}
