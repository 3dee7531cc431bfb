import type { TGpuSpec, TModelSpec } from "@koi/catalog";
import type { TPrecision } from "../types.ts";

// Roofline building blocks (formulas: PERF_MODEL_AND_PRICES.md §3). Units: bytes, FLOPs, seconds.

export const BYTES_PER_PARAM: Record<TPrecision, number> = { bf16: 2, fp8: 1, int4: 0.5 };

/** Peak dense tensor FLOP/s for GEMMs on weights of this precision. */
export function peakFlops(gpu: TGpuSpec, precision: TPrecision): number {
  // Weight-only quantisation (FP8 on A100 or A10G, any INT4) dequantises to BF16 tensor cores.
  if (precision === "fp8" && gpu.fp8Tflops !== undefined) return gpu.fp8Tflops * 1e12;
  return gpu.bf16Tflops * 1e12;
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

/** FLOPs of a forward pass over `tokens` new tokens that attend to `context` earlier tokens each. */
export function forwardFlops(model: TModelSpec, tokens: number, context: number): number {
  return 2 * model.paramsActiveB * 1e9 * tokens + 4 * model.layers * tokens * context * attentionWidth(model);
}
