import { findGpu, findModel, publishedPrecision, type TGpuSpec, type TModelSpec } from "@koi/catalog";
import type { TPrecision } from "../types.ts";
import { defaultMaxNumSeqs, ENGINE_PROFILES, engineFromName, type TEngineProfile } from "./engine-profiles.ts";
import type { TPerfCoefficients } from "./perf-coefficients.ts";
import { BYTES_PER_PARAM, kvBytesPerTokenPerGpu } from "./roofline.ts";

/** How the GPUs of one machine exchange tensor-parallel traffic. */
export type TInterconnect = "nvlink" | "pcie";

export type TDeploymentInput = {
  /** Catalog name or a resolved spec (e.g. from a workload's architecture). */
  model: string | TModelSpec;
  gpu: string | TGpuSpec;
  tp: number;
  /** Pipeline stages (default 1): TP within a machine, stages within or across machines. */
  pp?: number;
  /** Machines one replica spans (default: as few as hold tp × pp GPUs, 8 per machine). */
  nodes?: number;
  /** Within a machine; default from the GPU (NVLink/Infinity Fabric on SXM/OAM parts, else PCIe). */
  interconnect?: TInterconnect;
  /** Network between the machines of a multi-machine replica, Gbit/s (default 100). */
  networkGbps?: number;
  /** Weight precision; default what the model publishes (or its name says, "…-FP8"). */
  precision?: TPrecision;
  /** KV-cache precision; BF16 unless the engine is told otherwise. */
  kvPrecision?: "bf16" | "fp8";
  /** An engine profile or an engine name with version ("vllm 0.10.0"); default modern vLLM. */
  engine?: string | TEngineProfile;
  cudaGraphs?: boolean;
  maxNumSeqs?: number;
  memoryUtilization?: number;
};

export type TDeployment = {
  model: TModelSpec;
  gpu: TGpuSpec;
  tp: number;
  pp: number;
  nodes: number;
  interconnect: TInterconnect;
  networkGBs: number;
  precision: TPrecision;
  weightBytesPerParam: number;
  kvBytesPerValue: number;
  engine: TEngineProfile;
  cudaGraphs: boolean;
  maxNumSeqs: number;
  /** Decoder layers of the largest pipeline stage, which sets the stage time and memory. */
  stageLayers: number;
  weightsPerGpuBytes: number;
  usablePerGpuBytes: number;
  /** KV bytes one token takes on one GPU of the largest stage. */
  kvPerTokenPerGpu: number;
  /** Tokens the replica's KV cache holds (0 when the weights leave no room). */
  kvTokens: number;
};

/** "shape": the replica cannot exist as asked (TP vs heads, machines); "memory": the weights do not fit. */
export type TDeploymentResult =
  { ok: true; deployment: TDeployment } | { ok: false; reason: string; misfit: "shape" | "memory" };

const GB = 1e9;
const GPUS_PER_MACHINE = 8;

export function defaultInterconnect(gpu: TGpuSpec): TInterconnect {
  return gpu.interconnectGBs >= 200 ? "nvlink" : "pcie";
}

function resolveEngine(input: TDeploymentInput): TEngineProfile {
  const engine =
    input.engine === undefined
      ? ENGINE_PROFILES.modern
      : typeof input.engine === "string"
        ? engineFromName(input.engine)
        : input.engine;
  return {
    ...engine,
    ...(input.cudaGraphs !== undefined ? { cudaGraphs: input.cudaGraphs } : {}),
    ...(input.maxNumSeqs !== undefined ? { maxNumSeqs: input.maxNumSeqs } : {}),
    ...(input.memoryUtilization !== undefined ? { memoryUtilization: input.memoryUtilization } : {}),
  };
}

const wholeAtLeastOne = (v: number) => Number.isInteger(v) && v >= 1;

/** Checks that the replica can exist at all; each refusal names its own reason. */
function shapeProblem(model: TModelSpec, gpu: TGpuSpec, tp: number, pp: number, nodes: number): string | undefined {
  if (!wholeAtLeastOne(tp)) return `TP must be a whole number ≥ 1, got ${tp}`;
  if (!wholeAtLeastOne(pp)) return `PP must be a whole number ≥ 1, got ${pp}`;
  if (!wholeAtLeastOne(nodes)) return `machines must be a whole number ≥ 1, got ${nodes}`;
  if (model.heads % tp !== 0)
    return `TP ${tp} does not divide ${model.id}'s ${model.heads} attention heads (use a divisor such as ${largestDivisorAtMost(model.heads, tp)})`;
  if (model.kvHeads % tp !== 0 && tp % model.kvHeads !== 0)
    return `TP ${tp} cannot split or replicate ${model.id}'s ${model.kvHeads} KV heads`;
  if (pp > model.layers) return `PP ${pp} exceeds ${model.id}'s ${model.layers} layers`;
  if (nodes > tp * pp) return `${nodes} machines for ${tp * pp} GPUs leaves machines without a GPU`;
  if (tp > gpu.maxTp)
    return `TP ${tp} exceeds the ${gpu.maxTp} ${gpu.id} GPUs one machine holds (TP stays within a machine)`;
  if (Math.ceil((tp * pp) / nodes) > gpu.maxTp)
    return `${tp * pp} GPUs on ${nodes} machine${nodes === 1 ? "" : "s"} exceeds ${gpu.maxTp} ${gpu.id} per machine`;
  return undefined;
}

function largestDivisorAtMost(n: number, limit: number): number {
  for (let d = Math.min(n, Math.floor(limit)); d > 1; d -= 1) if (n % d === 0) return d;
  return 1;
}

/** Resolves names and defaults, checks the shape, and sizes weights and KV cache per GPU. */
export function resolveDeployment(input: TDeploymentInput, coefficients: TPerfCoefficients): TDeploymentResult {
  const model = typeof input.model === "string" ? findModel(input.model) : input.model;
  const gpu = typeof input.gpu === "string" ? findGpu(input.gpu) : input.gpu;
  const tp = input.tp;
  const pp = input.pp ?? 1;
  const nodes = input.nodes ?? Math.max(1, Math.ceil((tp * pp) / GPUS_PER_MACHINE));
  const problem = shapeProblem(model, gpu, tp, pp, nodes);
  if (problem) return { ok: false, reason: problem, misfit: "shape" };
  const engine = resolveEngine(input);
  if (!(engine.memoryUtilization > 0 && engine.memoryUtilization <= 1))
    return {
      ok: false,
      reason: `GPU memory utilisation must be in (0, 1], got ${engine.memoryUtilization}`,
      misfit: "shape",
    };
  const precision =
    input.precision ?? (typeof input.model === "string" ? publishedPrecision(input.model) : model.precision);
  const weightBytesPerParam = BYTES_PER_PARAM[precision];
  const kvBytesPerValue = input.kvPrecision === "fp8" ? 1 : 2;
  const stageLayers = Math.ceil(model.layers / pp);
  const stageShare = stageLayers / model.layers;
  // The first stage also holds the embedding and the last the LM head (vocab × hidden each): with
  // pipeline stages those are the fullest GPUs, and vLLM sizes every stage's KV cache by the fullest.
  const vocabParams = pp > 1 ? model.vocabSize * model.hiddenSize : 0;
  const weightsPerGpuBytes =
    ((((model.paramsTotalB * GB - 2 * vocabParams) * stageLayers) / model.layers + vocabParams) * weightBytesPerParam) /
    tp;
  // Without CUDA graphs the engine keeps no captured graphs' memory pools.
  const overheadGb = coefficients.memoryOverheadGb + (engine.cudaGraphs ? coefficients.cudaGraphMemoryGb : 0);
  const usablePerGpuBytes = (gpu.deviceMemoryGb * engine.memoryUtilization - overheadGb) * GB;
  const kvPerTokenPerGpu = kvBytesPerTokenPerGpu(model, tp, kvBytesPerValue) * stageShare;
  const kvBudget = usablePerGpuBytes - weightsPerGpuBytes;
  if (kvBudget <= 0) {
    const layout = pp > 1 ? `TP ${tp} × PP ${pp}` : `TP ${tp}`;
    return {
      ok: false,
      reason: `weights need ${(weightsPerGpuBytes / GB).toFixed(1)} GB per GPU; ${gpu.id} ${layout} leaves ${(usablePerGpuBytes / GB).toFixed(1)} GB`,
      misfit: "memory",
    };
  }
  return {
    ok: true,
    deployment: {
      model,
      gpu,
      tp,
      pp,
      nodes,
      interconnect: input.interconnect ?? defaultInterconnect(gpu),
      networkGBs: (input.networkGbps ?? 100) / 8,
      precision,
      weightBytesPerParam,
      kvBytesPerValue,
      engine,
      cudaGraphs: engine.cudaGraphs,
      maxNumSeqs: defaultMaxNumSeqs(engine, gpu),
      stageLayers,
      weightsPerGpuBytes,
      usablePerGpuBytes,
      kvPerTokenPerGpu,
      kvTokens: Math.floor(kvBudget / kvPerTokenPerGpu),
    },
  };
}
