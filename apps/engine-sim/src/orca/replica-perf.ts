import { findModel, UnknownNameError } from "@koi/catalog";
import { predictPerformance } from "@koi/planner";
import { orcaToKoiGpu } from "@koi/contracts";
import type { TRandom } from "@koi/planner/random/seeded-random";
import type { TReplicaRole } from "./orca-state.ts";

export type TReplicaPerf = {
  fits: boolean;
  reason?: string;
  /** Input + output tokens per second of this replica. */
  tps: number;
  outputTps: number;
  /** Requests per second this replica completes (a prefill replica: prompts it hands on). */
  requestsPerSecond: number;
  ttftMs: number;
  tpotMs: number;
  batch: number;
  kvCacheUsage: number;
  prefixCacheHitRate: number;
  smUtilPct: number;
  memBwUtilPct: number;
};

/** Models the planner does not know are simulated as this one, so any HF id can be submitted. */
const FALLBACK_MODEL = "llama-3.1-8b";

/**
 * One replica's steady-state numbers from the planner's performance model (TP within a machine,
 * PP stages across machines, with their bubbles and hand-offs), with per-replica noise.
 */
export function replicaPerf(args: {
  model: string;
  orcaGpu: string;
  gpuMemoryGb: number;
  tp: number;
  pp: number;
  avgIn: number;
  avgOut: number;
  random: TRandom;
  noise: number;
  role?: TReplicaRole;
}): TReplicaPerf {
  let model: string = args.model;
  try {
    findModel(model);
  } catch (error) {
    if (!(error instanceof UnknownNameError)) throw error;
    model = FALLBACK_MODEL;
  }
  const perf = predictPerformance({
    model,
    gpu: orcaToKoiGpu(args.orcaGpu, args.gpuMemoryGb),
    tp: args.tp,
    pp: args.pp,
    inputTokens: args.avgIn,
    outputTokens: args.avgOut,
    role: args.role ?? "both",
  });
  const factor = args.random.logNormal(1, args.noise);
  const busy = perf.bound === "compute" ? args.random.uniform(78, 92) : args.random.uniform(55, 75);
  return {
    fits: perf.fits,
    ...(perf.reason ? { reason: perf.reason } : {}),
    tps: perf.tokensPerSecond * factor,
    outputTps: perf.outputTokensPerSecond * factor,
    requestsPerSecond: perf.requestsPerSecond * factor,
    ttftMs: perf.ttftMs / factor,
    tpotMs: perf.tpotMs / factor,
    batch: perf.batch,
    kvCacheUsage: perf.maxConcurrency > 0 ? Math.min(0.98, perf.batch / perf.maxConcurrency) : 0,
    prefixCacheHitRate: args.random.uniform(0.02, 0.25),
    smUtilPct: busy,
    memBwUtilPct: perf.bound === "memory" ? args.random.uniform(70, 90) : args.random.uniform(35, 55),
  };
}
