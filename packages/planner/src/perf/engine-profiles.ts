// Serving-engine behaviour the roofline cannot see: scheduler caps, memory headroom and the CPU
// time each decode step spends outside the GPU.

export type TEngineProfile = {
  name: string;
  /** Scheduler cap on concurrent sequences (vLLM --max-num-seqs). */
  maxNumSeqs: number;
  /** Fraction of HBM the engine may use (vLLM --gpu-memory-utilization). */
  memoryUtilization: number;
  /** Activations, CUDA graphs and NCCL buffers per GPU, GB (research notes: 2–4 GB, est.). */
  overheadGbPerGpu: number;
  /** Host time per decode step that does not overlap the GPU. */
  stepOverheadMs: number;
  /** Extra host time per running sequence per step (Python scheduling, detokenisation). */
  perSequenceOverheadMs: number;
  /** Extra host time per sequence per step for each additional TP worker (broadcast of inputs). */
  perSequencePerWorkerMs: number;
};

export const ENGINE_PROFILES = {
  // vLLM ≥ 0.6 (multi-step / V1 scheduler) and TensorRT-LLM: host work overlaps the GPU.
  modern: {
    name: "modern",
    maxNumSeqs: 256,
    memoryUtilization: 0.9,
    overheadGbPerGpu: 2,
    stepOverheadMs: 1.5,
    perSequenceOverheadMs: 0.01,
    perSequencePerWorkerMs: 0,
  },
  // vLLM ≤ 0.5.x: the scheduler ran between steps. The vLLM 0.6 blog (blog.vllm.ai 2024-09-05)
  // measured the GPU idle for most of each step on 8B/H100; Lambda saw power draw at ~60%.
  "vllm-0.5": {
    name: "vllm-0.5",
    maxNumSeqs: 256,
    memoryUtilization: 0.9,
    overheadGbPerGpu: 2,
    stepOverheadMs: 3,
    perSequenceOverheadMs: 0.17,
    perSequencePerWorkerMs: 0.05,
  },
} as const satisfies Record<string, TEngineProfile>;

export type TEngineProfileName = keyof typeof ENGINE_PROFILES;
