import { precisionFromName, resolveModel, TP_DEGREES } from "@koi/catalog";
import type { TCalibrationTable } from "../perf/calibration.ts";
import { engineSentence, routeEngine } from "../route/route-engine.ts";
import {
  usableGpus,
  type TCapacity,
  type TMarket,
  type TPlan,
  type TPrecision,
  type TRole,
  type TWorkload,
} from "../types.ts";
import { buildCandidates, pruneDominated, type TCandidateReport } from "./build-candidates.ts";
import { explainFeasible, toAlternative, toPlanOption } from "./describe-plan.ts";
import { planObjective, requiredRate } from "./evaluate-plan.ts";
import { findBinding } from "./find-binding.ts";
import { optimizeWithAlternatives } from "./optimize-selection.ts";
import { formatUsdPerHour } from "@koi/catalog/format-usd";

export type TSelectOptions = {
  /** Extra capacity over the target (batch: tokens by the deadline; online: peak rate). Default 0.15. */
  safetyMargin?: number;
  maxGpus?: number;
  allowedMarkets?: readonly TMarket[];
  /** Batch: total dollars; online: dollars per hour. */
  budget?: number;
  /** Allow prefill and decode on separate replicas (possibly different GPU types). */
  allowDisaggregation?: boolean;
  /** With allowDisaggregation: the only pools that may run prefill or decode replicas (default all). */
  disaggregationPoolIds?: readonly string[];
  tpChoices?: readonly number[];
  /** Pipeline stages tried in pools whose machines are known (default 1–4). */
  ppChoices?: readonly number[];
  /**
   * Batch: plan so the job meets its deadline at the model's P90 ("p90", default: throughput at
   * the 10th percentile of measured ÷ predicted on held-out runs) or at its median ("p50").
   */
  risk?: "p50" | "p90";
  calibration?: TCalibrationTable;
  precision?: TPrecision;
  /** Runners-up to return (default 2). */
  alternatives?: number;
};

export const DEFAULT_SAFETY_MARGIN = 0.15;
const DEFAULT_PP: readonly number[] = [1, 2, 3, 4];

/** Chooses replica counts per (pool, TP, role) at minimum cost (a Promise for the services' callers). */
export function selectGpus(workload: TWorkload, capacity: TCapacity, options: TSelectOptions = {}): Promise<TPlan> {
  // A bad capacity (an unknown instance type…) rejects, as it did when the solver loaded first.
  return new Promise((resolve) => resolve(selectGpusWith(workload, capacity, options)));
}

/** The selection problem before optimisation: every replica option and the limits it lives under. */
export function selectionProblem(workload: TWorkload, capacity: TCapacity, options: TSelectOptions = {}) {
  const model = resolveModel(workload);
  const safetyMargin = options.safetyMargin ?? DEFAULT_SAFETY_MARGIN;
  const precision = options.precision ?? workload.precision ?? precisionFromName(workload.model);
  const pools = capacity.pools.filter((p) => !options.allowedMarkets || options.allowedMarkets.includes(p.market));
  const roles: TRole[] = options.allowDisaggregation ? ["both", "prefill", "decode"] : ["both"];
  const context = {
    workload,
    model,
    precision,
    tpChoices: options.tpChoices ?? TP_DEGREES,
    ppChoices: options.ppChoices ?? DEFAULT_PP,
    roles,
    calibration: options.calibration,
    risk: options.risk ?? "p90",
  };
  const report = onlySplitPools(buildCandidates({ ...context, pools }), options.disaggregationPoolIds);
  const poolGpus = new Map(pools.map((p) => [p.id, usableGpus(p)]));
  return { model, safetyMargin, pools, context, report, poolGpus, requiredRate: requiredRate(workload, safetyMargin) };
}

/** Prefill and decode replicas only where the engine can run them (its agent declares pd_disaggregation). */
function onlySplitPools(report: TCandidateReport, poolIds: readonly string[] | undefined): TCandidateReport {
  if (!poolIds) return report;
  const allowed = new Set(poolIds);
  return { ...report, candidates: report.candidates.filter((c) => c.role === "both" || allowed.has(c.poolId)) };
}

/** Synchronous form (simulators, benchmarks). */
export function selectGpusWith(workload: TWorkload, capacity: TCapacity, options: TSelectOptions = {}): TPlan {
  const {
    model,
    safetyMargin,
    pools,
    context,
    report,
    poolGpus,
    requiredRate: required,
  } = selectionProblem(workload, capacity, options);
  const candidates = pruneDominated(report.candidates);
  const perHourBudget = workload.kind === "online" ? options.budget : undefined;

  let plans =
    candidates.length > 0
      ? optimizeWithAlternatives(workload, candidates, options.alternatives ?? 2, {
          requiredRate: required,
          poolGpus,
          maxGpus: options.maxGpus,
          perHourBudget,
        })
      : [];
  // A batch budget caps total cost, which is the objective itself: plans over it are infeasible.
  if (workload.kind === "batch" && options.budget !== undefined) {
    const budget = options.budget;
    plans = plans.filter((p) => planObjective(workload, p) <= budget * (1 + 1e-9));
  }

  const [best, ...rest] = plans;
  if (!best) {
    const relaxed = pools.map((p) => ({ ...p, quota: undefined }));
    const { binding, assignment } = findBinding({
      workload,
      pools,
      requiredRate: required,
      maxGpus: options.maxGpus,
      budget: options.budget,
      report,
      candidatesIgnoringQuota: pruneDominated(
        onlySplitPools(buildCandidates({ ...context, pools: relaxed }), options.disaggregationPoolIds).candidates,
      ),
    });
    const option = toPlanOption(workload, assignment);
    // The earliest finish is reported as the plan would be judged: at P90, start-up included.
    if (binding.bestAchievableHours !== undefined && option.predictedHoursP90 !== undefined)
      binding.bestAchievableHours = option.predictedHoursP90;
    const route = routeEngine(workload, option);
    const fallback =
      assignment.length > 0
        ? ` The best achievable plan is shown: ${option.gpus} GPUs at ${formatUsdPerHour(option.costPerHour)}.`
        : "";
    return {
      ...option,
      feasible: false,
      engine: route.engine,
      kind: workload.kind,
      alternatives: [],
      binding,
      reason: `No plan for ${model.id} meets every constraint: the binding one is ${binding.constraint}: ${binding.detail}.${fallback}`,
    };
  }

  const option = toPlanOption(workload, best);
  const alternatives = rest.map((a) => toAlternative(workload, a, option));
  const route = routeEngine(workload, option);
  const reason = `${explainFeasible(workload, model.id, best, option, alternatives, { safetyMargin, options: candidates.length, risk: context.risk })} ${engineSentence(route)}`;
  return { ...option, feasible: true, engine: route.engine, kind: workload.kind, alternatives, reason };
}
