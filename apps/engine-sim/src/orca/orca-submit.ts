import { findModel, UnknownNameError, TP_DEGREES } from "@koi/catalog";
import type { TRandom } from "@koi/planner/random/seeded-random";
import {
  normalizeOrcaGpuName,
  resolveOrcaInstance,
  type TOrcaInstanceSpec,
  type TOrcaPdBatchedRequest,
} from "@koi/contracts";
import type { TOrcaSimConfig } from "../config.ts";
import { replicaPerf } from "./replica-perf.ts";
import type { TChunk, TJob, TLaunchConfig, TOrcaMarket } from "./orca-state.ts";

/** One side of a prefill/decode split (`koi_pd_groups`): its replicas launch with this config only. */
export type TPdGroup = { role: "prefill" | "decode"; config: TLaunchConfig; replicas: number };

export type TSubmitPlan =
  | { ok: false; response: Record<string, unknown> }
  | {
      ok: true;
      model: string;
      primary: TLaunchConfig;
      alternatives: TLaunchConfig[];
      instance: TOrcaInstanceSpec;
      avgIn: number;
      avgOut: number;
      market: TOrcaMarket;
      /** Koi's prefill/decode extension: replaces `replicas` of the primary config when present. */
      pdGroups: TPdGroup[] | null;
    };

function maxContext(model: string): number {
  try {
    return findModel(model).maxContext;
  } catch (error) {
    if (error instanceof UnknownNameError) return 32_768;
    throw error;
  }
}

/** Stand-in for Orca's roofline solver: the first fitting (GPU, TP) with the least GPU memory per token/s. */
function rooflinePlacement(
  config: TOrcaSimConfig,
  random: TRandom,
  model: string,
  avgIn: number,
  avgOut: number,
  market: TOrcaMarket,
): TLaunchConfig | null {
  let best: { config: TLaunchConfig; score: number } | null = null;
  const gpuTypes = new Set(config.clusters.flatMap((c) => c.pools.filter((p) => p.gpus > 0).map((p) => p.gpuType)));
  for (const gpuType of gpuTypes) {
    for (const tp of TP_DEGREES) {
      const instance = resolveOrcaInstance(gpuType, tp);
      if (!instance) continue;
      const perf = replicaPerf({
        model,
        orcaGpu: gpuType,
        gpuMemoryGb: instance.gpuMemoryGb,
        tp,
        pp: 1,
        avgIn,
        avgOut,
        random: random.fork("roofline"),
        noise: 0,
      });
      if (!perf.fits || perf.tps <= 0) continue;
      const score = (tp * instance.gpuMemoryGb) / perf.tps;
      if (!best || score < best.score) best = { config: { gpuType, tp, pp: 1, market }, score };
      break;
    }
  }
  return best?.config ?? null;
}

/**
 * What `/submit/batch` decides before launching (C.2): solver, primary config, alternatives
 * (user-specified only; unresolvable ones dropped), context check, and the feasibility "confirm"
 * stop unless `force`. The simulator needs chunks, num_lines and avg_input_tokens because it
 * cannot download the input file.
 */
export function planSubmit(config: TOrcaSimConfig, random: TRandom, req: TOrcaPdBatchedRequest): TSubmitPlan {
  const fail = (response: Record<string, unknown>): TSubmitPlan => ({ ok: false, response });
  const solver = req.placement_solver ?? "roofline";
  if (solver === "llm")
    return fail({
      status: "error",
      error_type: "invalid_solver",
      message: "placement_solver 'llm' is only available in /test/placement",
    });
  if (!req.model_name)
    return fail({ status: "error", error_type: "invalid_placement", message: "engine-sim needs model_name" });
  if (!req.chunks || req.chunks.length === 0)
    return fail({ status: "error", message: "engine-sim simulates chunked jobs only (send chunks)" });
  if (!req.num_lines || !req.avg_input_tokens)
    return fail({ status: "error", message: "engine-sim cannot read input_file: send num_lines and avg_input_tokens" });
  const model = req.model_name;
  const avgIn = req.avg_input_tokens;
  const avgOut = req.avg_output_tokens ?? 256;
  const market: TOrcaMarket =
    req.planned_market ?? req.preferred_market ?? ((req.prefer_spot ?? true) ? "spot" : "on_demand");

  const primary =
    solver === "user_specified"
      ? { gpuType: normalizeOrcaGpuName(req.gpu_type!), tp: req.tp_size ?? 1, pp: req.pp_size ?? 1, market }
      : rooflinePlacement(config, random, model, avgIn, avgOut, market);
  if (!primary)
    return fail({
      status: "error",
      error_type: "invalid_placement",
      message: "no GPU in the simulated clusters fits this model",
    });
  const instance = resolveOrcaInstance(primary.gpuType, primary.tp);
  if (!instance)
    return fail({
      status: "error",
      error_type: "invalid_placement",
      message: `Cannot resolve ${primary.gpuType} with ${primary.tp} GPUs to an instance`,
    });

  const maxLen = maxContext(model);
  const required = (req.max_input_tokens ?? avgIn) + (req.max_output_tokens ?? avgOut);
  if (required > maxLen) {
    return fail({
      status: "error",
      error_type: "context_length_exceeded",
      message: `Required context ${required} exceeds max_model_len ${maxLen}`,
      detail: {
        max_input_tokens: req.max_input_tokens ?? avgIn,
        max_output_tokens: req.max_output_tokens ?? avgOut,
        required_context: required,
        max_model_len: maxLen,
        instance_type: instance.instanceType,
        tp_size: primary.tp,
        pp_size: primary.pp,
      },
    });
  }
  if (solver === "user_specified" && !req.force) {
    const check = replicaPerf({
      model,
      orcaGpu: primary.gpuType,
      gpuMemoryGb: instance.gpuMemoryGb,
      tp: primary.tp,
      pp: primary.pp,
      avgIn,
      avgOut,
      random: random.fork("feasibility"),
      noise: 0,
    });
    if (!check.fits) {
      return fail({
        status: "confirm",
        message: `User-specified placement looks infeasible: ${check.reason}`,
        feasibility: { feasible: false, reason: check.reason, max_model_len: maxLen, solution: null },
        config: { gpu_type: primary.gpuType, tp: primary.tp, pp: primary.pp, instance_type: instance.instanceType },
        quota_warning: null,
        hint: "Resubmit with force=true to launch anyway",
      });
    }
  }
  const alternatives: TLaunchConfig[] =
    solver === "user_specified"
      ? (req.koi_alternatives ?? [])
          .map((alt) => ({
            gpuType: normalizeOrcaGpuName(alt.gpu_type),
            tp: alt.tp,
            pp: alt.pp,
            market: alt.planned_market ?? market,
          }))
          .filter((alt) => resolveOrcaInstance(alt.gpuType, alt.tp) !== undefined)
      : [];
  const pdGroups = req.koi_pd_groups ? pdGroupsOf(req.koi_pd_groups) : null;
  if (typeof pdGroups === "string")
    return fail({ status: "error", error_type: "invalid_placement", message: pdGroups });
  return { ok: true, model, primary, alternatives, instance, avgIn, avgOut, market, pdGroups };
}

/** The split's groups as launch configs, or why one cannot launch. */
function pdGroupsOf(groups: NonNullable<TOrcaPdBatchedRequest["koi_pd_groups"]>): TPdGroup[] | string {
  const out: TPdGroup[] = [];
  for (const g of groups) {
    const gpuType = normalizeOrcaGpuName(g.gpu_type);
    if (!resolveOrcaInstance(gpuType, g.tp_size))
      return `Cannot resolve the ${g.role} group's ${g.gpu_type} with ${g.tp_size} GPUs to an instance`;
    out.push({
      role: g.role,
      config: { gpuType, tp: g.tp_size, pp: g.pp_size, market: g.planned_market },
      replicas: g.replicas,
    });
  }
  return out;
}

/** A freshly submitted chunked job, every chunk pending. */
export function newJob(args: {
  id: string;
  req: TOrcaPdBatchedRequest;
  model: string;
  avgIn: number;
  avgOut: number;
  market: TOrcaMarket;
  primary: TLaunchConfig;
  chunks: TChunk[];
  replicas: number;
  now: number;
}): TJob {
  const { req } = args;
  return {
    id: args.id,
    request: req,
    model: args.model,
    avgIn: args.avgIn,
    avgOut: args.avgOut,
    numLines: req.num_lines!,
    market: args.market,
    decisionId: req.koi_decision_id ?? null,
    predictedTps: req.koi_predicted_tps ?? null,
    sloHours: req.slo_deadline_hours ?? 4,
    deployedAt: args.now,
    createdAt: args.now,
    updatedAt: args.now,
    status: "launching",
    chunks: args.chunks,
    pending: [...args.chunks],
    replicas: new Map(),
    initialReplicas: args.replicas,
    primary: args.primary,
    version: 1,
    configsTried: [],
    launchFailedEmitted: false,
    completeScheduled: false,
    swap: null,
  };
}
