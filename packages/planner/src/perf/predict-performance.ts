import type { TPrecision, TRole } from "../types.ts";
import { correctionFactor, type TCalibrationTable } from "./calibration.ts";
import { DEFAULT_COEFFICIENTS, type TPerfCoefficients } from "./perf-coefficients.ts";
import {
  decodeRound,
  fullBatch,
  jobSeconds,
  kvConcurrency,
  loneTtftSeconds,
  prefillSeconds,
  type TTimingContext,
} from "./replica-timing.ts";
import { resolveDeployment, type TDeploymentInput } from "./resolve-deployment.ts";

export type TPerfInput = TDeploymentInput & {
  inputTokens: number;
  outputTokens: number;
  /** Concurrent sequences; defaults to the most the KV cache and the engine allow. */
  batch?: number;
  /** A finite job of this many prompts: `jobSeconds` then covers all of them, ramp and tail included. */
  requests?: number;
  /** Colocated ("both", default) or one side of a prefill/decode split. */
  role?: TRole;
  /** A calibration table (looked up by model, GPU, TP) or a plain throughput multiplier. */
  calibration?: TCalibrationTable | number;
  /** Defaults to the coefficients fitted to the measured runs. */
  coefficients?: TPerfCoefficients;
};

export type TPerfResult = {
  fits: boolean;
  /** Why it does not fit, when it does not. */
  reason?: string;
  /**
   * What kind of no: "shape" (TP does not divide the heads, more GPUs than machines hold…) and
   * "context" (prompt + output past the model's context) are impossible requests; "memory" and
   * "kv-cache" are answers about this hardware.
   */
  misfit?: "shape" | "context" | "memory" | "kv-cache";
  model: string;
  gpu: string;
  tp: number;
  pp: number;
  /** Machines one replica spans. */
  nodes: number;
  precision: TPrecision;
  role: TRole;
  /** Sequences the KV cache keeps running on average at this workload's mean live context (not whole). */
  maxConcurrency: number;
  /** Concurrency the figures below are for. */
  batch: number;
  /** Input + output tokens per second for one replica (steady state at `batch`). */
  tokensPerSecond: number;
  outputTokensPerSecond: number;
  requestsPerSecond: number;
  /** Mean time to first token at this concurrency (prefill role: one prompt, no queue). */
  ttftMs: number;
  ttftP95Ms: number;
  /** Time between output tokens, including the prefill chunks that ride along (chunked prefill). */
  tpotMs: number;
  tpotP95Ms: number;
  /** Seconds for `requests` prompts from the first request to the last token (when `requests` is given). */
  jobSeconds?: number;
  weightsGbPerGpu: number;
  /** KV-cache budget over the whole replica. */
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

function resolveFactor(input: TPerfInput, model: string, gpu: string): number {
  if (typeof input.calibration === "number") return input.calibration;
  return correctionFactor(input.calibration, { model, gpu, tp: input.tp });
}

/**
 * One replica (TP × PP GPUs on one or more machines) serving requests of the given mean shape:
 * steady state at `batch` concurrent sequences, and the whole job when `requests` is given.
 */
export function predictPerformance(input: TPerfInput): TPerfResult {
  return createPredictor(input)(input.batch);
}

/**
 * The same prediction for one deployment at any batch: the deployment is resolved and the lone
 * prompt's prefill and the job timed once, so a search over batch sizes (the planner's latency
 * bisection) pays only for the decode round and the batch's prefill at each size.
 */
export function createPredictor(input: TPerfInput): (batch?: number) => TPerfResult {
  const c = input.coefficients ?? DEFAULT_COEFFICIENTS;
  const role = input.role ?? "both";
  const resolved = resolveDeployment(input, c);
  const { inputTokens: nIn, outputTokens: nOut } = input;
  const empty = {
    fits: false,
    role,
    maxConcurrency: 0,
    batch: 0,
    tokensPerSecond: 0,
    outputTokensPerSecond: 0,
    requestsPerSecond: 0,
    ttftMs: 0,
    ttftP95Ms: 0,
    tpotMs: 0,
    tpotP95Ms: 0,
    bound: "memory" as const,
  };
  if (!resolved.ok) {
    const model = typeof input.model === "string" ? input.model : input.model.id;
    const gpu = typeof input.gpu === "string" ? input.gpu : input.gpu.id;
    const result: TPerfResult = {
      ...empty,
      reason: resolved.reason,
      misfit: resolved.misfit,
      model,
      gpu,
      tp: input.tp,
      pp: input.pp ?? 1,
      nodes: input.nodes ?? 1,
      precision: input.precision ?? "bf16",
      weightsGbPerGpu: 0,
      kvCacheGb: 0,
      kvBytesPerToken: 0,
      calibrationFactor: 1,
    };
    return () => result;
  }
  const d = resolved.deployment;
  const factor = resolveFactor(input, d.model.id, d.gpu.id);
  const gpus = d.tp * d.pp;
  const base = {
    model: d.model.id,
    gpu: d.gpu.id,
    tp: d.tp,
    pp: d.pp,
    nodes: d.nodes,
    precision: d.precision,
    weightsGbPerGpu: d.weightsPerGpuBytes / GB,
    kvCacheGb: ((d.usablePerGpuBytes - d.weightsPerGpuBytes) * (d.model.mla ? d.pp : gpus)) / GB,
    kvBytesPerToken: d.kvPerTokenPerGpu * (d.model.mla ? d.pp : gpus),
    calibrationFactor: factor,
  };
  const noFit = (reason: string, misfit: TPerfResult["misfit"]): TPerfResult => ({ ...base, ...empty, reason, misfit });
  if (!(nIn >= 1 && nOut >= 1)) return constant(noFit("input and output tokens must be at least 1", "shape"));
  if (nIn + nOut > d.model.maxContext)
    return constant(
      noFit(`${nIn + nOut} tokens exceed ${d.model.id}'s ${d.model.maxContext}-token context`, "context"),
    );
  if (d.kvTokens < nIn + nOut)
    return constant(noFit(`not enough KV cache for one ${nIn + nOut}-token sequence`, "kv-cache"));

  const t: TTimingContext = { d, c, inputTokens: nIn, outputTokens: nOut };
  const maxConcurrency = kvConcurrency(t);
  const lone = loneTtftSeconds(t) / factor;
  const job = input.requests === undefined ? {} : { jobSeconds: jobSeconds(t, input.requests) / factor };
  const largest = fullBatch(t);
  return (requested) => {
    if (role === "prefill") {
      // Prefill-only replicas pack whole prompts into chunks and hand the KV cache to decode replicas.
      const perChunk = Math.max(1, Math.floor(PREFILL_CHUNK_TOKENS / nIn));
      const batch = Math.max(1, Math.min(requested ?? perChunk, perChunk, Math.floor(d.kvTokens / nIn)));
      const rps = (batch / prefillSeconds(t, batch)) * factor;
      return {
        ...base,
        fits: true,
        role,
        maxConcurrency: perChunk,
        batch,
        tokensPerSecond: rps * nIn,
        outputTokensPerSecond: rps,
        requestsPerSecond: rps,
        ttftMs: lone * 1000,
        ttftP95Ms: lone * 1000,
        tpotMs: 0,
        tpotP95Ms: 0,
        ...job,
        bound: "compute",
      };
    }

    const batch = Math.max(1, Math.min(requested ?? largest, largest));
    const round = decodeRound(t, batch);
    // Colocated: the batch's prompts are prefilled between (or inside, chunked) its decode steps,
    // so a mean step carries its share of the prefill (a wave). Decode-only replicas receive KV caches instead.
    const prefillS = role === "both" ? prefillSeconds(t, batch) : 0;
    const cycleS = (prefillS + nOut * round.seconds) / factor;
    const tpotS = cycleS / nOut;
    let ttftS: number;
    let ttftP95S: number;
    if (role === "decode") {
      const transferS = (nIn * base.kvBytesPerToken) / (KV_TRANSFER_GBS * GB);
      ttftS = transferS + round.seconds / factor;
      ttftP95S = ttftS;
    } else {
      // Behind the step in flight, queueing (M/D/1) behind the other prompts' prefill work.
      const prefillShare = Math.min(0.95, prefillS / factor / cycleS);
      const queueS = batch > 1 ? (prefillShare / (2 * (1 - prefillShare))) * lone : 0;
      const inFlight = batch > 1 ? tpotS : 0;
      ttftS = lone + inFlight + queueS;
      // The wait is roughly exponential, whose 95th percentile is 3× its mean.
      ttftP95S = lone + inFlight + 3 * queueS;
    }
    const outputTps = batch / tpotS;
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
      tpotMs: tpotS * 1000,
      // Prefill chunks make colocated steps uneven; decode-only steps are steady.
      tpotP95Ms: tpotS * 1000 * (role === "both" ? TPOT_P95_FACTOR : 1.05),
      ...job,
      bound: round.memoryS >= round.computeS ? "memory" : "compute",
    };
  };
}

const constant = (result: TPerfResult) => () => result;
