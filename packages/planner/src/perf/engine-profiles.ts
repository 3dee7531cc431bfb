// Serving-engine settings the model takes as inputs. How much host time an engine spends per step
// is a fitted coefficient per engine generation (perf-coefficients.ts); what is here are the
// engine's own defaults and switches.

/**
 * "legacy": vLLM ≤ 0.5 and the 2023 research engines, whose Python scheduler ran between GPU steps;
 * "modern": vLLM ≥ 0.6 (multi-step, then the V1 engine), TensorRT-LLM, SGLang.
 */
export type TEngineGeneration = "modern" | "legacy";

export type TEngineProfile = {
  name: string;
  generation: TEngineGeneration;
  /** Scheduler cap on concurrent sequences (vLLM --max-num-seqs); undefined: the engine's default for the GPU. */
  maxNumSeqs?: number;
  /** Fraction of GPU memory the engine may use (vLLM --gpu-memory-utilization). */
  memoryUtilization: number;
  /** CUDA graphs replay decode steps without per-kernel launches; eager mode (enforce_eager) does not. */
  cudaGraphs: boolean;
  /** Most prompt tokens one step prefills (vLLM max_num_batched_tokens, at least one whole prompt). */
  maxBatchedTokens: number;
  /**
   * With pipeline stages, whether the engine splits a step into microbatches that fill the stages
   * together (vLLM V0's virtual engines, TensorRT-LLM, SGLang). vLLM's V1 engine (default from 0.8)
   * keeps one batch in the pipeline: a decode step needs the tokens the previous one sampled, so
   * every stage waits for the others (the measured PP rows, vLLM 0.10, agree).
   */
  pipelineMicrobatches: boolean;
};

export const ENGINE_PROFILES = {
  modern: {
    name: "vllm",
    generation: "modern",
    memoryUtilization: 0.9,
    cudaGraphs: true,
    maxBatchedTokens: 8192,
    pipelineMicrobatches: false,
  },
  // The 2023 engines had no CUDA graphs (vLLM added them in 0.2.x and enabled them later).
  "vllm-0.5": {
    name: "vllm 0.5",
    generation: "legacy",
    memoryUtilization: 0.9,
    cudaGraphs: false,
    maxBatchedTokens: 4096,
    pipelineMicrobatches: true,
  },
} as const satisfies Record<string, TEngineProfile>;

export type TEngineProfileName = keyof typeof ENGINE_PROFILES;

/**
 * Reads an engine column such as "vllm 0.10.0", "vllm", "splitwise profiling (2023)" or
 * "tensorrt-llm 0.6". vLLM before 0.6 and anything dated 2023 or earlier is legacy; every other
 * engine (and an unversioned "vllm") is taken as modern. Only vLLM's V1 engine (0.8 on, and an
 * unversioned "vllm") runs pipeline stages without microbatches.
 */
export function engineFromName(name: string): TEngineProfile {
  const lower = name.trim().toLowerCase();
  const version = /vllm[\s-]*v?(\d+)\.(\d+)/.exec(lower);
  const year = /\b(20\d\d)\b/.exec(lower);
  const legacy =
    (version !== null && Number(version[1]) === 0 && Number(version[2]) < 6) ||
    (year !== null && Number(year[1]) <= 2023);
  const base = legacy ? ENGINE_PROFILES["vllm-0.5"] : ENGINE_PROFILES.modern;
  const v1 =
    lower === "" || (lower.includes("vllm") && (version === null || Number(version[1]) > 0 || Number(version[2]) >= 8));
  return { ...base, name: name.trim() || base.name, pipelineMicrobatches: !v1 };
}

/**
 * vLLM's default --max-num-seqs: 1024 on GPUs with 70 GB or more except A100, else 256
 * (vllm/engine/arg_utils.py, V1 defaults); legacy engines used 256 everywhere.
 */
export function defaultMaxNumSeqs(engine: TEngineProfile, gpu: { id: string; memoryGb: number }): number {
  if (engine.maxNumSeqs !== undefined) return engine.maxNumSeqs;
  if (engine.generation === "legacy") return 256;
  return gpu.memoryGb >= 70 && !gpu.id.startsWith("A100") ? 1024 : 256;
}
