import { workloadOf, type TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { ZPlanView, type TPlanView } from "@koi/contracts/workloads/workloads-api";
import {
  engineSentence,
  rebaseAlternatives,
  routeEngine,
  selectGpus,
  type TCalibrationTable,
  type TCapacity,
  type TPlan,
  type TRouteDecision,
  type TSelectOptions,
  type TWorkload,
} from "@koi/planner";
import { prisma, type Tx } from "@koi/db";
import { buildOrgCapacity, splitPoolIds, type TOrgCapacity } from "./build-org-capacity.ts";
import { checkSubmissionModel } from "./check-submission-model.ts";
import { capacityBound, planOnWholeCapacity } from "./plan-on-whole-capacity.ts";
import { loadOrgCalibration } from "./load-calibration.ts";
import { withinPreviewBudget, type TPlanningClock } from "./preview-budget.ts";
import { largestGroup, selectOptionsFor } from "./workload-inputs.ts";

/** GPUs per pool the first (fast) search may use; see `planOnOrgCapacity`. */
export const FIRST_PASS_POOL_GPUS = 64;

export type TPlanResult = { plan: TPlan; routeReason: string; org: TOrgCapacity; calibration: TCalibrationTable };

/**
 * Routes and sizes `workload` on the org's live capacity. Routing first (online → Tuna, batch →
 * Orca) picks which agents' pools count; if the chosen plan routes elsewhere (e.g. mostly
 * serverless GPUs → Tuna), it is sized once more on that engine's pools.
 */
export async function planOnOrgCapacity(
  orgId: string,
  submission: TWorkloadSubmission,
  workload: TWorkload,
  db: Tx,
  exclude: { poolIds?: string[]; forWorkloadId?: string; calibration?: TCalibrationTable; clock?: TPlanningClock } = {},
): Promise<TPlanResult> {
  const search = (w: TWorkload, c: TCapacity, o: TSelectOptions) =>
    exclude.clock ? exclude.clock.time(() => selectGpus(w, c, o)) : selectGpus(w, c, o);
  // One read per plan: a caller that already holds the org's calibration passes it in.
  const calibration = exclude.calibration ?? (await loadOrgCalibration(orgId, db));
  const firstRoute = routeEngine(workload);
  const run = async (engine: TPlan["engine"]) => {
    const org = await buildOrgCapacity(orgId, {
      db,
      engine,
      ...(exclude.forWorkloadId ? { forWorkloadId: exclude.forWorkloadId } : {}),
    });
    const capacity: TCapacity = { pools: org.capacity.pools.filter((p) => !exclude.poolIds?.includes(p.id)) };
    const options = { ...selectOptionsFor(submission, splitPoolIds(org)), calibration };
    // Search time grows with pool size, and almost every workload needs a few replicas: search
    // pools capped at FIRST_PASS_POOL_GPUS first, and the full pools only when that is infeasible.
    const capped = {
      pools: capacity.pools.map((p) => ({ ...p, available: Math.min(p.available, FIRST_PASS_POOL_GPUS) })),
    };
    const first = await search(workload, capped, options);
    const wasCapped = capacity.pools.some((p) => p.available > FIRST_PASS_POOL_GPUS);
    return {
      org: { ...org, capacity },
      options,
      plan: first.feasible || !wasCapped ? first : await search(workload, capacity, options),
    };
  };
  let { org, plan, options } = await run(firstRoute.engine);
  let route = plan.feasible ? routeEngine(workload, plan) : firstRoute;
  if (route.engine !== firstRoute.engine) {
    const again = await run(route.engine);
    if (again.plan.feasible) ({ org, plan, options } = again);
    else route = firstRoute;
  }
  // One assignment per workload (docs/workloads.md): a plan spread over several pools is re-sized
  // on its largest group's pool alone when that pool can meet the SLO by itself.
  // The search's runners-up stay, priced against the plan it became.
  const main = largestGroup(plan.replicas);
  if (plan.feasible && main && new Set(plan.replicas.map((r) => r.poolId)).size > 1) {
    const pool = org.capacity.pools.find((p) => p.id === main.poolId);
    const single = pool ? await search(workload, { pools: [pool] }, { ...options, alternatives: 0 }) : null;
    if (single?.feasible) plan = rebaseAlternatives(workload, single, plan.alternatives);
  }
  return {
    plan: { ...plan, engine: route.engine, reason: namingEngine(plan, workload, route) },
    routeReason: route.reason,
    org,
    calibration,
  };
}

/**
 * The planner's reason ends by naming the engine its plan would route to; when the plan goes to
 * another one (the engine it would route to has no capacity for it), that sentence names the engine it goes to.
 */
function namingEngine(plan: TPlan, workload: TWorkload, route: TRouteDecision): string {
  const planned = routeEngine(workload, plan);
  const said = ` ${engineSentence(planned)}`;
  if (planned.engine === route.engine || !plan.reason.endsWith(said)) return plan.reason;
  const why = `${route.reason} (${planned.engine}, which the plan's shape points to, has no capacity for it)`;
  return `${plan.reason.slice(0, -said.length)} ${engineSentence({ engine: route.engine, reason: why })}`;
}

/**
 * What Koi would do with this submission right now — same capacity and optimiser as the real
 * plan, no writes. For the dashboard's live preview and `POST /api/v1/workloads/plan`. `onSubmit`
 * is what planning it would do (`planWorkload`'s rules): dispatch it, let it wait for GPUs, or
 * fail it at once.
 */
export async function previewPlan(orgId: string, submission: TWorkloadSubmission) {
  checkSubmissionModel(submission);
  const workload = workloadOf(submission);
  const { plan, routeReason, org, onSubmit } = await withinPreviewBudget(orgId, async (clock) => {
    const result = await planOnOrgCapacity(orgId, submission, workload, prisma as unknown as Tx, { clock });
    const outcome = await clock.time(() => submitOutcome(result, workload, submission));
    // A workload that can never run shows why (the whole pools' constraint), not that GPUs are busy.
    const binding = outcome.binding ?? result.plan.binding;
    return { ...result, plan: binding ? { ...result.plan, binding } : result.plan, onSubmit: outcome.onSubmit };
  });
  return { plan, engine: plan.engine, routeReason, capacity: org.capacity, agentsOnline: org.agentsOnline, onSubmit };
}

/**
 * Planning a submission now (`planWorkload`'s rules): dispatch it, wait for busy GPUs (or lent
 * ones, if urgent), or fail it, with the constraint that means it can never run.
 */
async function submitOutcome(
  { plan, org, calibration }: TPlanResult,
  workload: TWorkload,
  submission: TWorkloadSubmission,
): Promise<{ onSubmit: TPlanView["onSubmit"]; binding?: TPlan["binding"] }> {
  if (plan.feasible) return { onSubmit: "dispatch" };
  if (org.agentsOnline === 0 || org.capacity.pools.length === 0) return { onSubmit: "wait" };
  if (submission.priority === "urgent" && capacityBound(plan)) return { onSubmit: "wait" };
  const whole = await planOnWholeCapacity(plan, org, workload, submission, calibration);
  if (whole?.feasible) return { onSubmit: "wait" };
  return { onSubmit: "fail", ...(whole?.binding ? { binding: whole.binding } : {}) };
}

/** The preview as both APIs answer it: the public plan view (tRPC's form preview and `POST /api/v1/workloads/plan`). */
export async function previewPlanView(orgId: string, submission: TWorkloadSubmission): Promise<TPlanView> {
  const { plan, onSubmit } = await previewPlan(orgId, submission);
  return ZPlanView.parse({ ...plan, onSubmit });
}
