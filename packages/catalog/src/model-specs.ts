import type { TModelArchitecture, TPrecision } from "./model-architecture.ts";

export type TMoeSpec = {
  experts: number;
  topK: number;
  sharedExperts: number;
  expertFfnSize: number;
  /** Leading layers that use a dense MLP instead of experts (DeepSeek-V3: 3). */
  denseLayers: number;
};

export type TModelSpec = {
  /** Short catalog name, e.g. "llama-3.1-70b". */
  id: string;
  /** Hugging Face ids and other names that resolve to this architecture. */
  names: readonly string[];
  layers: number;
  hiddenSize: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffnSize: number;
  vocabSize: number;
  paramsTotalB: number;
  paramsActiveB: number;
  /** Parameters in routed experts (all of them); 0 for dense models. */
  expertParamsB: number;
  maxContext: number;
  /** Precision of the published weights (DeepSeek-V3 ships FP8; most others BF16). */
  precision: TPrecision;
  moe?: TMoeSpec;
  mla?: { kvLoraRank: number; ropeDim: number; qLoraRank?: number };
  source: string;
};

const GENZ = "GenZ Models/Model_sets (mirrors HF config.json), via PERF_MODEL_AND_PRICES.md §5 (2026)";
const HF = "HF config.json of the named repo (not in the research notes; copied from the model card, 2025)";

type TShape = Omit<TModelSpec, "paramsTotalB" | "paramsActiveB" | "expertParamsB" | "precision"> & {
  paramsTotalB?: number;
  paramsActiveB?: number;
  precision?: TPrecision;
};

/** MLA projections: low-rank Q (or full), the shared KV latent, its up-projections, and O. */
function mlaAttentionParams(h: number, heads: number, headDim: number, mla: NonNullable<TModelSpec["mla"]>): number {
  const qk = headDim + mla.ropeDim;
  const q = mla.qLoraRank ? h * mla.qLoraRank + mla.qLoraRank * heads * qk : h * heads * qk;
  return q + h * (mla.kvLoraRank + mla.ropeDim) + mla.kvLoraRank * heads * 2 * headDim + heads * headDim * h;
}

/** Parameter counts from the shapes; published totals win when given. */
export function withParams(shape: TShape): TModelSpec {
  const { hiddenSize: h, layers, heads, kvHeads, headDim, ffnSize, vocabSize, moe, mla } = shape;
  const attention = mla
    ? mlaAttentionParams(h, heads, headDim, mla)
    : h * heads * headDim * 2 + h * kvHeads * headDim * 2;
  const denseMlp = 3 * h * ffnSize;
  const moeLayers = moe ? layers - moe.denseLayers : 0;
  const expertMlp = moe ? 3 * h * moe.expertFfnSize : 0;
  const routed = moe ? moeLayers * moe.experts * expertMlp : 0;
  const shared = moe ? moeLayers * (moe.sharedExperts * expertMlp + h * moe.experts) : 0;
  const denseLayerMlp = (layers - moeLayers) * denseMlp;
  const nonExpert = layers * attention + denseLayerMlp + shared + 2 * vocabSize * h;
  const derivedTotal = (nonExpert + routed) / 1e9;
  const total = shape.paramsTotalB ?? derivedTotal;
  // Scale the routed share to the published total so dense + experts always adds up.
  const expertParamsB = moe ? (routed / 1e9) * (total / derivedTotal) : 0;
  const active =
    shape.paramsActiveB ?? (moe ? total - expertParamsB + (expertParamsB * moe.topK) / moe.experts : total);
  return { ...shape, precision: shape.precision ?? "bf16", paramsTotalB: total, paramsActiveB: active, expertParamsB };
}

/** Builds a spec from user-supplied architecture numbers (the workload's `architecture`). */
export function modelFromArchitecture(name: string, arch: TModelArchitecture): TModelSpec {
  return withParams({
    id: name,
    names: [name],
    layers: arch.layers,
    hiddenSize: arch.hiddenSize,
    heads: arch.heads,
    kvHeads: arch.kvHeads,
    headDim: arch.headDim ?? arch.hiddenSize / arch.heads,
    ffnSize: arch.ffnSize,
    vocabSize: arch.vocabSize,
    paramsTotalB: arch.paramsTotalB,
    paramsActiveB: arch.paramsActiveB,
    maxContext: arch.maxContext ?? 131072,
    moe: arch.moe,
    mla: arch.mla,
    source: "given by architecture in the workload",
  });
}

const llama3 = { headDim: 128, kvHeads: 8, vocabSize: 128256, maxContext: 131072 } as const;

export const MODELS: readonly TModelSpec[] = [
  withParams({
    id: "llama-3.1-8b",
    names: [
      "meta-llama/Llama-3.1-8B",
      "meta-llama/Meta-Llama-3.1-8B",
      "meta-llama/Meta-Llama-3-8B",
      "nvidia/Llama-3.1-8B-Instruct-FP8",
      "llama-3-8b",
      "llama3-8b",
    ],
    ...llama3,
    layers: 32,
    hiddenSize: 4096,
    heads: 32,
    ffnSize: 14336,
    paramsTotalB: 8.03,
    source: GENZ,
  }),
  withParams({
    id: "llama-3.1-70b",
    names: [
      "meta-llama/Llama-3.1-70B",
      "meta-llama/Meta-Llama-3.1-70B",
      "meta-llama/Llama-3.3-70B",
      "meta-llama/Meta-Llama-3-70B",
      "deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
      "nvidia/Llama-3.3-70B-Instruct-FP8",
      "llama-3.3-70b",
      "llama-3-70b",
      "llama3-70b",
    ],
    ...llama3,
    layers: 80,
    hiddenSize: 8192,
    heads: 64,
    ffnSize: 28672,
    paramsTotalB: 70.6,
    source: GENZ,
  }),
  withParams({
    id: "llama-3.1-405b",
    names: ["meta-llama/Llama-3.1-405B", "meta-llama/Meta-Llama-3.1-405B", "NousResearch/Hermes-3-Llama-3.1-405B"],
    ...llama3,
    layers: 126,
    hiddenSize: 16384,
    heads: 128,
    ffnSize: 53248,
    paramsTotalB: 405.9,
    source: GENZ,
  }),
  withParams({
    // Needed for the TensorRT-LLM calibration points (Llama-2, MHA: 32 KV heads).
    id: "llama-2-7b",
    names: ["meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-7b-chat-hf"],
    layers: 32,
    hiddenSize: 4096,
    heads: 32,
    kvHeads: 32,
    headDim: 128,
    ffnSize: 11008,
    vocabSize: 32000,
    maxContext: 4096,
    paramsTotalB: 6.74,
    source: HF,
  }),
  withParams({
    id: "llama-2-70b",
    names: ["meta-llama/Llama-2-70b-hf", "meta-llama/Llama-2-70b-chat-hf"],
    layers: 80,
    hiddenSize: 8192,
    heads: 64,
    kvHeads: 8,
    headDim: 128,
    ffnSize: 28672,
    vocabSize: 32000,
    maxContext: 4096,
    paramsTotalB: 68.98,
    source: HF,
  }),
  withParams({
    id: "mistral-7b",
    names: ["mistralai/Mistral-7B-Instruct-v0.3", "mistralai/Mistral-7B-v0.3", "mistral-7b-v0.3"],
    layers: 32,
    hiddenSize: 4096,
    heads: 32,
    kvHeads: 8,
    headDim: 128,
    ffnSize: 14336,
    vocabSize: 32768,
    maxContext: 32768,
    paramsTotalB: 7.25,
    source: HF,
  }),
  withParams({
    id: "mixtral-8x7b",
    names: ["mistralai/Mixtral-8x7B-v0.1", "mistralai/Mixtral-8x7B-Instruct-v0.1"],
    layers: 32,
    hiddenSize: 4096,
    heads: 32,
    kvHeads: 8,
    headDim: 128,
    ffnSize: 14336,
    vocabSize: 32000,
    maxContext: 32768,
    moe: { experts: 8, topK: 2, sharedExperts: 0, expertFfnSize: 14336, denseLayers: 0 },
    paramsTotalB: 46.7,
    paramsActiveB: 12.9,
    source: GENZ,
  }),
  withParams({
    id: "qwen2.5-7b",
    names: ["Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-7B-Instruct"],
    layers: 28,
    hiddenSize: 3584,
    heads: 28,
    kvHeads: 4,
    headDim: 128,
    ffnSize: 18944,
    vocabSize: 152064,
    maxContext: 32768,
    paramsTotalB: 7.6,
    source: GENZ,
  }),
  withParams({
    id: "qwen2.5-32b",
    names: ["Qwen/Qwen2.5-32B", "Qwen/Qwen2.5-32B-Instruct"],
    layers: 64,
    hiddenSize: 5120,
    heads: 40,
    kvHeads: 8,
    headDim: 128,
    ffnSize: 27648,
    vocabSize: 152064,
    maxContext: 32768,
    paramsTotalB: 32.8,
    source: HF,
  }),
  withParams({
    id: "qwen2.5-72b",
    names: ["Qwen/Qwen2.5-72B", "Qwen/Qwen2.5-72B-Instruct"],
    layers: 80,
    hiddenSize: 8192,
    heads: 64,
    kvHeads: 8,
    headDim: 128,
    ffnSize: 29568,
    vocabSize: 152064,
    maxContext: 32768,
    paramsTotalB: 72.7,
    source: GENZ,
  }),
  withParams({
    id: "qwen3-8b",
    names: ["Qwen/Qwen3-8B"],
    layers: 36,
    hiddenSize: 4096,
    heads: 32,
    kvHeads: 8,
    headDim: 128,
    ffnSize: 12288,
    vocabSize: 151936,
    maxContext: 40960,
    paramsTotalB: 8.2,
    source: HF,
  }),
  withParams({
    id: "qwen3-32b",
    names: ["Qwen/Qwen3-32B"],
    layers: 64,
    hiddenSize: 5120,
    heads: 64,
    kvHeads: 8,
    headDim: 128,
    ffnSize: 25600,
    vocabSize: 151936,
    maxContext: 40960,
    paramsTotalB: 32.8,
    source: HF,
  }),
  withParams({
    id: "qwen3-235b-a22b",
    names: ["Qwen/Qwen3-235B-A22B", "Qwen/Qwen3-235B-A22B-Instruct-2507"],
    layers: 94,
    hiddenSize: 4096,
    heads: 64,
    kvHeads: 4,
    headDim: 128,
    ffnSize: 12288,
    vocabSize: 151936,
    maxContext: 40960,
    moe: { experts: 128, topK: 8, sharedExperts: 0, expertFfnSize: 1536, denseLayers: 0 },
    paramsTotalB: 235,
    paramsActiveB: 22,
    source: HF,
  }),
  withParams({
    id: "deepseek-v3",
    names: ["deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-V3-0324", "deepseek-ai/DeepSeek-R1", "deepseek-r1"],
    // MLA: attention heads use a 128-d value head; KV cache holds the 512+64 latent per layer.
    layers: 61,
    hiddenSize: 7168,
    heads: 128,
    kvHeads: 128,
    headDim: 128,
    ffnSize: 18432,
    vocabSize: 129280,
    maxContext: 131072,
    moe: { experts: 256, topK: 8, sharedExperts: 1, expertFfnSize: 2048, denseLayers: 3 },
    mla: { kvLoraRank: 512, ropeDim: 64, qLoraRank: 1536 },
    // The published checkpoint is FP8 (block-wise e4m3), 671 GB of weights.
    precision: "fp8",
    paramsTotalB: 671,
    paramsActiveB: 37,
    source: GENZ,
  }),
];
