import { FITTED_COEFFICIENTS } from "./fitted-coefficients.ts";

// The few numbers the performance model does not take from spec sheets. Each one is a physical
// quantity with a prior from public sources (PERF_MODEL_AND_PRICES.md §3–4); `npm run fit:perf-model`
// fits them to the measured runs in packages/planner/data and writes fitted-coefficients.ts.

export type TPerfCoefficients = {
  /** Fraction of peak HBM bandwidth that decode kernels reach. */
  hbmEfficiency: number;
  /** Same for GDDR parts (L4, L40S, A10G). */
  gddrEfficiency: number;
  /** Fraction of dense peak tensor FLOPs that large prefill GEMMs and attention reach. */
  flopsEfficiency: number;
  /**
   * Decode attention work items (sequence × KV head on a GPU) at which the KV-cache stream reaches
   * half the memory bandwidth: few long sequences leave most SMs idle.
   */
  attentionHalfOccupancyItems: number;
  /** Latency of one ring step of an NVLink all-reduce, µs (a ring all-reduce takes 2·(TP−1) steps). */
  nvlinkHopUs: number;
  /** Fraction of the one-way NVLink bandwidth an all-reduce moves data at. */
  nvlinkBusEfficiency: number;
  /** Latency of one ring step when GPUs talk through host memory (PCIe without P2P), µs. */
  pcieHopUs: number;
  /**
   * Same when the ring spans both CPU sockets of an 8-GPU PCIe machine (g5.48xlarge, g6e.48xlarge:
   * four GPUs per socket): the ring moves in lockstep, so every step waits for the inter-socket hop.
   */
  pcieCrossSocketHopUs: number;
  /** Bus bandwidth of such an all-reduce within one CPU socket, GB/s. */
  pcieAllReduceGBs: number;
  /** The same when the ring crosses the socket link: every byte also passes the inter-socket hop. */
  pcieCrossSocketAllReduceGBs: number;
  /** One pipeline-stage hand-off between machines (NCCL over TCP/EFA, both directions), ms. */
  networkHopMs: number;
  /** Server time per request before its first forward pass (HTTP, tokenising, scheduling), ms. */
  requestMs: number;
  /** vLLM ≥ 0.6: host time per engine step (scheduling, input preparation, sampling), ms. */
  modernStepMs: number;
  /** vLLM ≥ 0.6: host time per running sequence per step (output processing, detokenising), µs. */
  modernSeqUs: number;
  /** vLLM ≥ 0.6 without CUDA graphs: CPU time to launch one decoder layer's kernels, µs. */
  modernLayerUs: number;
  /** vLLM ≤ 0.5 and 2023 research engines: host time per step, ms. */
  legacyStepMs: number;
  /** Same, per running sequence per step, µs. */
  legacySeqUs: number;
  /** Same, CPU launch time per decoder layer (these engines ran eagerly), µs. */
  legacyLayerUs: number;
  /** GPU memory per GPU that is neither weights nor KV cache (activations, CUDA context, NCCL), GB. */
  memoryOverheadGb: number;
  /** Extra memory per GPU the captured CUDA graphs hold (none in eager mode), GB. */
  cudaGraphMemoryGb: number;
  /**
   * Share of its output a running sequence holds in KV cache on average: vLLM admits prompts while
   * blocks are free and preempts when they run out, so a full batch is about
   * KV tokens ÷ (input + share × output) sequences.
   */
  liveOutputShare: number;
};

export type TCoefficientName = keyof TPerfCoefficients;

export type TCoefficientPrior = {
  /** The value before seeing the data, from the cited source. */
  prior: number;
  /** One standard deviation of the prior in natural-log units (0.5 ≈ "within a factor 1.6"). */
  logSpread: number;
  min: number;
  max: number;
  source: string;
};

export const COEFFICIENT_PRIORS: Record<TCoefficientName, TCoefficientPrior> = {
  hbmEfficiency: {
    prior: 0.8,
    logSpread: 0.2,
    min: 0.3,
    max: 0.98,
    source: "llm-analysis: 0.9 is aggressive; calculon 0.9 above 100 MB",
  },
  gddrEfficiency: {
    prior: 0.7,
    logSpread: 0.25,
    min: 0.3,
    max: 0.98,
    source: "GDDR decode kernels fall further short of peak than HBM (est.)",
  },
  flopsEfficiency: {
    prior: 0.5,
    logSpread: 0.35,
    min: 0.1,
    max: 0.9,
    source: "llm-analysis: ≤ 0.7 for inference",
  },
  attentionHalfOccupancyItems: {
    prior: 4,
    logSpread: 1,
    min: 0.01,
    max: 1000,
    source: "FlashAttention split-KV decode fills ~132 SMs from a few items (est.)",
  },
  nvlinkHopUs: { prior: 8, logSpread: 0.7, min: 0.5, max: 100, source: "research notes: α ≈ 5–20 µs per all-reduce" },
  nvlinkBusEfficiency: {
    prior: 0.7,
    logSpread: 0.3,
    min: 0.1,
    max: 1,
    source: "NCCL bus bandwidth ≈ 70% of NVLink peak (est.)",
  },
  pcieHopUs: { prior: 20, logSpread: 0.8, min: 1, max: 1000, source: "NCCL through host memory (est.)" },
  pcieCrossSocketHopUs: {
    prior: 40,
    logSpread: 0.8,
    min: 1,
    max: 1000,
    source: "a UPI/Infinity Fabric hop adds to the host-memory path (est.)",
  },
  pcieAllReduceGBs: {
    prior: 10,
    logSpread: 0.8,
    min: 0.5,
    max: 64,
    source: "PCIe4 x16 ≈ 25 GB/s one way, halved by the hop through host memory (est.)",
  },
  pcieCrossSocketAllReduceGBs: {
    prior: 6,
    logSpread: 0.8,
    min: 0.3,
    max: 64,
    source: "host-memory path plus the UPI/Infinity Fabric link, below the one-socket figure (est.)",
  },
  networkHopMs: { prior: 0.5, logSpread: 1, min: 0.01, max: 50, source: "NCCL over TCP between instances (est.)" },
  requestMs: { prior: 15, logSpread: 0.7, min: 0.5, max: 500, source: "API server + tokenizer per request (est.)" },
  modernStepMs: {
    prior: 1.5,
    logSpread: 0.7,
    min: 0.05,
    max: 50,
    source: "vLLM 0.6 perf update: host work largely overlapped",
  },
  modernSeqUs: { prior: 10, logSpread: 1, min: 0.1, max: 1000, source: "vLLM 0.6 perf update (est.)" },
  modernLayerUs: {
    prior: 100,
    logSpread: 0.8,
    min: 1,
    max: 5000,
    source: "PyTorch eager ≈ 10 µs per op, ~10 ops per layer (est.)",
  },
  legacyStepMs: {
    prior: 3,
    logSpread: 0.8,
    min: 0.05,
    max: 100,
    source: "vLLM 0.6 perf update: GPU idle most of a step",
  },
  legacySeqUs: {
    prior: 170,
    logSpread: 0.8,
    min: 1,
    max: 5000,
    source: "Lambda vLLM 0.5.4 TPOT at 256 sequences (est.)",
  },
  legacyLayerUs: {
    prior: 300,
    logSpread: 0.8,
    min: 1,
    max: 5000,
    source: "Python scheduler + eager launches, pre-0.6 engines (est.)",
  },
  memoryOverheadGb: {
    prior: 2.5,
    logSpread: 0.5,
    min: 0.3,
    max: 12,
    source: "research notes: 2–4 GB per GPU (est.)",
  },
  cudaGraphMemoryGb: {
    prior: 1,
    logSpread: 0.5,
    min: 0.05,
    max: 6,
    source: "vLLM logs 'Graph capturing finished … took 0.5–1.5 GiB' per GPU (est.)",
  },
  liveOutputShare: {
    prior: 0.5,
    logSpread: 0.4,
    min: 0.05,
    max: 1,
    source: "sequences are at every stage of their output (fluid limit)",
  },
};

export const COEFFICIENT_NAMES = Object.keys(COEFFICIENT_PRIORS) as TCoefficientName[];

export function priorCoefficients(): TPerfCoefficients {
  return Object.fromEntries(COEFFICIENT_NAMES.map((n) => [n, COEFFICIENT_PRIORS[n].prior])) as TPerfCoefficients;
}

/** The coefficients fitted to the measured runs (see fitted-coefficients.ts for the fit's provenance). */
export const DEFAULT_COEFFICIENTS: TPerfCoefficients = FITTED_COEFFICIENTS.coefficients;
export const FITTED_COEFFICIENTS_META = FITTED_COEFFICIENTS.fittedOn;

export type TPerfMetric = "tokensPerSecond" | "ttftMs" | "tpotMs";

/** Quantiles of ln(measured ÷ predicted) on rows the fit did not see (leave-one-source-out). */
export type TLogErrorQuantiles = { p10: number; p50: number; p90: number; rows: number };

export type TFittedCoefficients = {
  coefficients: TPerfCoefficients;
  fittedOn: { file: string; sha256: string; rows: number };
  logErrorQuantiles: Partial<Record<TPerfMetric, TLogErrorQuantiles>>;
};
