import { findGpu, type TGpuSpec, findModel, precisionFromName, type TModelSpec } from "@koi/catalog";
import type { TPrecision, TRole } from "../types.ts";
import { correctionFactor, type TCalibrationTable } from "./calibration.ts";
import { ENGINE_PROFILES, type TEngineProfile } from "./engine-profiles.ts";
import {
  allReduceSeconds,
  BYTES_PER_PARAM,
  combineRoofline,
  computeEfficiency,
  EFFICIENCY,
  forwardFlops,
  kvBytesPerTokenPerGpu,
  peakFlops,
  touchedWeightBytesPerGpu,
} from "./roofline.ts";

export type TPerfInput = {
  /** Catalog name or a resolved spec (e.g. from a workload's architecture). */
  model: string | TModelSpec;
  gpu: string | TGpuSpec;
  tp: number;
  inputTokens: number;
  outputTokens: number;
  /** Concurrent sequences; defaults to the most the KV cache and the engine allow. */
  batch?: number;
  /** Weight precision; defaults to what the model name says ("…-FP8") else BF16. */
  precision?: TPrecision;
  /** Colocated ("both", default) or one side of a prefill/decode split. */
  role?: TRole;
  /** KV-cache precision; BF16 unless the engine is told otherwise. */
  kvPrecision?: "bf16" | "fp8";
  /** A calibration table (looked up by model, GPU, TP) or a plain throughput multiplier. */
  calibration?: TCalibrationTable | number;
  engine?: TEngineProfile;
};

export type TPerfResult = {
  fits: boolean;
  /** Why it does not fit, when it does not. */
  reason?: string;
  model: string;
  gpu: string;
  tp: number;
  precision: TPrecision;
  role: TRole;
  /** Most concurrent sequences the KV cache holds at this workload's mean live context. */
  maxConcurrency: number;
  /** Concurrency the figures below are for. */
  batch: number;
  /** Input + output tokens per second for one replica (TP group). */
  tokensPerSecond: number;
  outputTokensPerSecond: number;
  requestsPerSecond: number;
  /** Mean time to first token at this concurrency (prefill role: one prompt, no queue). */
  ttftMs: number;
  ttftP95Ms: number;
  /** Time between output tokens, including the prefill chunks that ride along (chunked prefill). */
  tpotMs: number;
  tpotP95Ms: number;
  weightsGbPerGpu: number;
  /** KV-cache budget over the whole TP group. */
  kvCacheGb: number;
  kvBytesPerToken: number;
  bound: "memory" | "compute";
  calibrationFactor: number;
};

const GB = 1e9;
/** Prefill-only replicas batch prompts up to this many tokens per step (vLLM max_num_batched_tokens scale). */
const PREFILL_CHUNK_TOKENS = 8192;
/** KV hand-off from prefill to decode replicas over RDMA/NVLink-class networking (est.). */
const KV_TRANSFER_GBS = 25;
/** Chunked-prefill steps vary with the prompts they carry; p95 sits about 15% above the mean (est.). */
const TPOT_P95_FACTOR = 1.15;

function resolveFactor(input: TPerfInput, model: TModelSpec, gpu: TGpuSpec): number {
  if (typeof input.calibration === "number") return input.calibration;
  return correctionFactor(input.calibration, { model: model.id, gpu: gpu.id, tp: input.tp });
}

/**
 * Roofline prediction for one replica (a TP group) serving requests of the given mean shape
 * under continuous batching with chunked prefill: every decode step also prefills the share of
 * new prompts that keeps `batch` sequences running.
 */
export function predictPerformance(input: TPerfInput): TPerfResult {
  const model = typeof input.model === "string" ? findModel(input.model) : input.model;
  const gpu = typeof input.gpu === "string" ? findGpu(input.gpu) : input.gpu;
  const engine = input.engine ?? ENGINE_PROFILES.modern;
  const precision = input.precision ?? (typeof input.model === "string" ? precisionFromName(input.model) : "bf16");
  const { tp, inputTokens: nIn, outputTokens: nOut } = input;
  const factor = resolveFactor(input, model, gpu);

  const weightBytes = BYTES_PER_PARAM[precision];
  const kvBytes = input.kvPrecision === "fp8" ? 1 : 2;
  const weightsPerGpu = (model.paramsTotalB * GB * weightBytes) / tp;
  const kvPerTokenGpu = kvBytesPerTokenPerGpu(model, tp, kvBytes);
  const usablePerGpu = gpu.memoryGb * GB * engine.memoryUtilization - engine.overheadGbPerGpu * GB;
  const kvBudgetPerGpu = usablePerGpu - weightsPerGpu;
  // Sequences are at every stage of their life, so the mean live context is the prompt plus half the output.
  const meanContext = nIn + nOut / 2;
  const maxConcurrency = kvBudgetPerGpu > 0 ? Math.floor(kvBudgetPerGpu / (kvPerTokenGpu * meanContext)) : 0;
  const base = {
    model: model.id,
    gpu: gpu.id,
    tp,
    precision,
    weightsGbPerGpu: weightsPerGpu / GB,
    // MLA replicates the cache on every rank, so only one GPU's budget counts.
    kvCacheGb: (Math.max(0, kvBudgetPerGpu) * (model.mla ? 1 : tp)) / GB,
    kvBytesPerToken: kvPerTokenGpu * (model.mla ? 1 : tp),
    calibrationFactor: factor,
  };
  const noFit = (reason: string): TPerfResult => ({
    ...base,
    fits: false,
    reason,
    role: input.role ?? "both",
    maxConcurrency: 0,
    batch: 0,
    tokensPerSecond: 0,
    outputTokensPerSecond: 0,
    requestsPerSecond: 0,
    ttftMs: 0,
    ttftP95Ms: 0,
    tpotMs: 0,
    tpotP95Ms: 0,
    bound: "memory",
  });
  if (tp > gpu.maxTp) return noFit(`TP ${tp} exceeds the ${gpu.maxTp} ${gpu.id} GPUs that share one node`);
  if (kvBudgetPerGpu <= 0)
    return noFit(
      `weights need ${(weightsPerGpu / GB).toFixed(1)} GB per GPU; ${gpu.id} TP ${tp} leaves ${(usablePerGpu / GB).toFixed(1)} GB`,
    );
  if (kvBudgetPerGpu < kvPerTokenGpu * (nIn + nOut))
    return noFit(`not enough KV cache for one ${nIn + nOut}-token sequence`);
  if (nIn + nOut > model.maxContext)
    return noFit(`${nIn + nOut} tokens exceed the model's ${model.maxContext}-token context`);

  const { flops: peak, efficiency: computeEff } = peakFlops(gpu, precision);
  const bandwidth = gpu.bandwidthGBs * GB * EFFICIENCY.memory[gpu.memoryKind];
  const hostS = (batch: number) =>
    (engine.stepOverheadMs + batch * (engine.perSequenceOverheadMs + (tp - 1) * engine.perSequencePerWorkerMs)) / 1000;
  /** Seconds for one forward step over `tokens` tokens reading `kvBytes` of cache per GPU. */
  const stepSeconds = (tokens: number, flops: number, kvReadBytes: number, hostSeconds: number) => {
    const memoryS = (touchedWeightBytesPerGpu(model, tp, tokens, weightBytes) + kvReadBytes) / bandwidth;
    const computeS = flops / tp / (peak * computeEfficiency(computeEff, tokens));
    return {
      seconds: (combineRoofline(memoryS, computeS) + allReduceSeconds(model, gpu, tp, tokens) + hostSeconds) / factor,
      memoryS,
      computeS,
    };
  };
  // A lone prompt's prefill: the TTFT floor.
  const single = stepSeconds(nIn, forwardFlops(model, nIn, nIn / 2), 0, engine.stepOverheadMs / 1000);
  const role = input.role ?? "both";

  if (role === "prefill") {
    // Prefill-only replicas pack whole prompts into chunks and hand the KV cache to decode replicas.
    const perChunk = Math.max(1, Math.floor(PREFILL_CHUNK_TOKENS / nIn));
    const kvLimit = Math.floor(kvBudgetPerGpu / (kvPerTokenGpu * nIn));
    const batch = Math.max(1, Math.min(input.batch ?? perChunk, perChunk, kvLimit));
    const step = stepSeconds(batch * nIn, forwardFlops(model, batch * nIn, nIn / 2), 0, hostS(batch));
    const rps = batch / step.seconds;
    return {
      ...base,
      fits: true,
      role,
      maxConcurrency: perChunk,
      batch,
      tokensPerSecond: rps * nIn,
      outputTokensPerSecond: rps,
      requestsPerSecond: rps,
      ttftMs: single.seconds * 1000,
      ttftP95Ms: single.seconds * 1000,
      tpotMs: 0,
      tpotP95Ms: 0,
      bound: step.memoryS >= step.computeS ? "memory" : "compute",
    };
  }

  const batch = Math.max(1, Math.min(input.batch ?? engine.maxNumSeqs, maxConcurrency, engine.maxNumSeqs));
  // Colocated: each decode step also prefills the prompts admitted to keep `batch` running (chunked
  // prefill). Decode-only replicas receive finished KV caches instead.
  const prefillTokensPerStep = role === "both" ? (batch * nIn) / nOut : 0;
  const stepTokens = batch + prefillTokensPerStep;
  const flops = forwardFlops(model, batch, meanContext) + forwardFlops(model, prefillTokensPerStep, nIn / 2);
  const step = stepSeconds(stepTokens, flops, batch * meanContext * kvPerTokenGpu, hostS(batch));

  let ttftS: number;
  let ttftP95S: number;
  if (role === "decode") {
    const transferS = (nIn * kvPerTokenGpu * tp) / (KV_TRANSFER_GBS * GB);
    ttftS = transferS + step.seconds;
    ttftP95S = ttftS;
  } else {
    // Behind the step in flight, queueing (M/D/1) behind the other prompts' prefill work.
    const prefillShare = Math.min(0.95, (prefillTokensPerStep * (single.computeS / nIn)) / (step.seconds * factor));
    const queueS = batch > 1 ? (prefillShare / (2 * (1 - prefillShare))) * single.seconds : 0;
    const inFlight = batch > 1 ? step.seconds : 0;
    ttftS = single.seconds + inFlight + queueS;
    // The wait is roughly exponential, whose 95th percentile is 3× its mean.
    ttftP95S = single.seconds + inFlight + 3 * queueS;
  }

  const outputTps = batch / step.seconds;
  return {
    ...base,
    fits: true,
    role,
    maxConcurrency,
    batch,
    tokensPerSecond: (outputTps * (nIn + nOut)) / nOut,
    outputTokensPerSecond: outputTps,
    requestsPerSecond: outputTps / nOut,
    ttftMs: ttftS * 1000,
    ttftP95Ms: ttftP95S * 1000,
    tpotMs: step.seconds * 1000,
    // Prefill chunks make colocated steps uneven; decode-only steps are steady.
    tpotP95Ms: step.seconds * 1000 * (role === "both" ? TPOT_P95_FACTOR : 1.05),
    bound: step.memoryS >= step.computeS ? "memory" : "compute",
  };
}
