import type { TPerfCoefficients } from "./perf-coefficients.ts";
import type { TDeployment } from "./resolve-deployment.ts";
import { attentionWidth, peakFlops, touchedWeightBytesPerGpu } from "./roofline.ts";

// Time of one engine step, built the way vLLM-class engines spend it: per pipeline stage the GPU
// streams its weights and KV cache (memory-bound) or multiplies (compute-bound), TP ranks
// all-reduce twice per layer over the machine's interconnect, without CUDA graphs the CPU must
// launch every layer's kernels, and the scheduler spends host time per step and per sequence.

/** What one step carries. */
export type TStepLoad = {
  /** Sequences that each produce one token. */
  decodeSeqs: number;
  /** Mean tokens of context each of them reads from the KV cache. */
  decodeContext: number;
  /** Prompt tokens prefilled in the step. */
  prefillTokens: number;
  /** Mean earlier tokens each prefilled token attends to (half the prompt for a whole prompt). */
  prefillContext: number;
};

export type TStepTime = {
  seconds: number;
  memoryS: number;
  computeS: number;
  commS: number;
  hostS: number;
};

/** Past this many tokens a step runs outside vLLM's captured CUDA graphs (max capture size). */
const CUDA_GRAPH_MAX_TOKENS = 512;
/** GPUs per CPU socket on PCIe machines: 8-GPU machines hang four off each socket. */
const PCIE_GPUS_PER_SOCKET = 4;
/** Activations cross the interconnect in 16 bits. */
const ACTIVATION_BYTES = 2;
/**
 * Sharpness of the soft maximum between overlapping times (memory vs compute inside kernels, CPU
 * launch vs GPU execution): 1 would add them, ∞ take the larger. At 3 two equal parts cost 1.26×
 * one, as a kernel that is neither purely bandwidth- nor compute-bound does.
 */
const OVERLAP_SHARPNESS = 3;

export function softMax(a: number, b: number): number {
  const hi = Math.max(a, b);
  if (hi <= 0) return 0;
  return hi * Math.pow(1 + Math.pow(Math.min(a, b) / hi, OVERLAP_SHARPNESS), 1 / OVERLAP_SHARPNESS);
}

/**
 * One all-reduce of `bytes` over a TP group; each GPU moves 2·(N−1)/N of the data. Without P2P
 * (PCIe machines such as g5 and g6e) NCCL runs a ring through host memory: 2·(N−1) steps, each
 * paying the hop latency, so synchronisation grows with TP. Over NVLink vLLM's custom all-reduce
 * reads the peers' buffers directly; its latency grows only with the barrier depth, log2 N.
 */
export function allReduceSeconds(d: TDeployment, c: TPerfCoefficients, bytes: number): number {
  const n = d.tp;
  if (n <= 1) return 0;
  const volume = ((2 * (n - 1)) / n) * bytes;
  if (d.interconnect === "nvlink")
    return (Math.log2(n) * c.nvlinkHopUs) / 1e6 + volume / (d.gpu.interconnectGBs * c.nvlinkBusEfficiency * 1e9);
  const crossSocket = n > PCIE_GPUS_PER_SOCKET;
  const hopUs = crossSocket ? c.pcieCrossSocketHopUs : c.pcieHopUs;
  const busGBs = crossSocket ? c.pcieCrossSocketAllReduceGBs : c.pcieAllReduceGBs;
  return (2 * (n - 1) * hopUs) / 1e6 + volume / (busGBs * 1e9);
}

/** Host time the scheduler spends on one (micro)batch step of `seqs` sequences. */
export function hostSeconds(d: TDeployment, c: TPerfCoefficients, seqs: number): number {
  const legacy = d.engine.generation === "legacy";
  const stepMs = legacy ? c.legacyStepMs : c.modernStepMs;
  const seqUs = legacy ? c.legacySeqUs : c.modernSeqUs;
  return (stepMs / 1e3 + (seqs * seqUs) / 1e6) / d.gpu.hostCpuSpeed;
}

/** One pipeline stage's share of a step (its `stageLayers` layers), without scheduler host time. */
export function stageSeconds(d: TDeployment, c: TPerfCoefficients, load: TStepLoad): Omit<TStepTime, "hostS"> {
  const { model, gpu, tp } = d;
  const share = d.stageLayers / model.layers;
  const tokens = load.decodeSeqs + load.prefillTokens;
  const efficiency = gpu.memoryKind === "hbm" ? c.hbmEfficiency : c.gddrEfficiency;
  const weightBytes = touchedWeightBytesPerGpu(model, tp, Math.max(1, tokens), d.weightBytesPerParam) * share;
  const kvBytes = load.decodeSeqs * load.decodeContext * d.kvPerTokenPerGpu;
  // Decode attention splits into (sequence, KV head) work items; with few of them the KV stream
  // cannot occupy every SM and runs at items ÷ (items + half-occupancy items) of the bandwidth.
  const workItems = load.decodeSeqs * (model.mla ? model.heads / tp : Math.max(1, model.kvHeads / tp));
  const kvSlowdown = workItems > 0 ? 1 + c.attentionHalfOccupancyItems / workItems : 1;
  const memoryS = (weightBytes + kvBytes * kvSlowdown) / (gpu.bandwidthGBs * 1e9 * efficiency);
  const gemmFlops = (2 * model.paramsActiveB * 1e9 * tokens * share) / tp;
  const attentionFlops =
    (4 *
      d.stageLayers *
      attentionWidth(model) *
      (load.decodeSeqs * load.decodeContext + load.prefillTokens * load.prefillContext)) /
    tp;
  // Attention runs in 16-bit even when the weights are FP8.
  const computeS =
    (gemmFlops / peakFlops(gpu, d.precision) + attentionFlops / (gpu.bf16Tflops * 1e12)) / c.flopsEfficiency;
  const commS = 2 * d.stageLayers * allReduceSeconds(d, c, tokens * model.hiddenSize * ACTIVATION_BYTES);
  const gpuS = softMax(memoryS, computeS) + commS;
  const eager = !d.cudaGraphs || tokens > CUDA_GRAPH_MAX_TOKENS;
  const layerUs = d.engine.generation === "legacy" ? c.legacyLayerUs : c.modernLayerUs;
  const launchS = eager ? (d.stageLayers * layerUs) / 1e6 / gpu.hostCpuSpeed : 0;
  return { seconds: softMax(gpuS, launchS), memoryS, computeS, commS };
}

/** Hand-offs between pipeline stages for one microbatch's round through all of them. */
export function handoffSeconds(d: TDeployment, c: TPerfCoefficients, tokens: number): number {
  if (d.pp <= 1) return 0;
  const bytes = tokens * d.model.hiddenSize * ACTIVATION_BYTES;
  // Stages fill machines in order: nodes − 1 boundaries cross the network, plus the return of the
  // sampled tokens to the first machine; the rest stay inside a machine.
  const network = d.nodes > 1 ? d.nodes : 0;
  const local = d.pp - network;
  const localHopS = (d.interconnect === "nvlink" ? c.nvlinkHopUs : c.pcieHopUs) / 1e6;
  const localBytesPerS = (d.interconnect === "nvlink" ? d.gpu.interconnectGBs : c.pcieAllReduceGBs) * 1e9;
  return network * (c.networkHopMs / 1e3 + bytes / (d.networkGBs * 1e9)) + local * (localHopS + bytes / localBytesPerS);
}

/**
 * Time for `load` to pass through the replica once, split into `microbatches` that follow each
 * other through the pipeline: a microbatch needs every stage in turn, so a decode round (each
 * sequence advancing one token) takes pp stage times however few sequences there are — the bubble —
 * and a prefill of m microbatches takes m + pp − 1. Engines without microbatches (vLLM V1) pass the
 * whole load through the stages one after another.
 */
export function pipelineSeconds(
  d: TDeployment,
  c: TPerfCoefficients,
  load: TStepLoad,
  kind: "decode-round" | "prefill",
  /** Sequences (decode) or prompts (prefill) the load can be split by. */
  sequences: number,
): TStepTime {
  const microbatches = d.engine.pipelineMicrobatches ? Math.max(1, Math.min(d.pp, Math.floor(sequences))) : 1;
  const part: TStepLoad = {
    ...load,
    decodeSeqs: load.decodeSeqs / microbatches,
    prefillTokens: load.prefillTokens / microbatches,
  };
  const stage = stageSeconds(d, c, part);
  const passes = kind === "decode-round" ? d.pp : microbatches + d.pp - 1;
  const hostS = hostSeconds(d, c, part.decodeSeqs) * (kind === "decode-round" ? 1 : microbatches);
  const handoffS = handoffSeconds(d, c, part.decodeSeqs + part.prefillTokens) * (passes / d.pp);
  return {
    seconds: passes * stage.seconds + handoffS + hostS,
    memoryS: passes * stage.memoryS,
    computeS: passes * stage.computeS,
    commS: passes * stage.commS + handoffS,
    hostS,
  };
}
