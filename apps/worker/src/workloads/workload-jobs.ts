import { completeWorkload } from "@koi/services/workloads/complete-workload";
import { forecastWorkloads } from "@koi/services/workloads/forecast-workload";
import { planWorkload } from "@koi/services/workloads/plan-workload";
import { rebalanceForWorkload } from "@koi/services/workloads/rebalance-for-workload";
import { reconcileWorkloads } from "@koi/services/workloads/reconcile-workloads";
import { replanWorkload } from "@koi/services/workloads/replan-workload";
import type { TJobHandler } from "../job-context.ts";

// Thin: each service locks the workload, re-checks its state and no-ops when the job is stale.

export const runPlanWorkload: TJobHandler<"plan-workload"> = async ({ workloadId }, ctx) => {
  const result = await planWorkload(workloadId);
  ctx.log.info(
    {
      workloadId,
      outcome: result.outcome,
      ...("detail" in result ? { detail: result.detail } : { decisionId: result.decisionId }),
    },
    "plan-workload",
  );
};

export const runCompleteWorkload: TJobHandler<"complete-workload"> = async ({ workloadId }, ctx) => {
  const result = await completeWorkload(workloadId);
  ctx.log.info({ workloadId, outcome: result.outcome }, "complete-workload");
};

export const runRebalanceForWorkload: TJobHandler<"rebalance-for-workload"> = async ({ workloadId }, ctx) => {
  const result = await rebalanceForWorkload(workloadId);
  ctx.log.info({ workloadId, ...result }, "rebalance-for-workload");
};

export const runReplanWorkload: TJobHandler<"replan-workload"> = async ({ workloadId, reason, assignmentId }, ctx) => {
  const result = await replanWorkload(workloadId, reason, assignmentId);
  ctx.log.info({ workloadId, assignmentId, reason, outcome: result.outcome }, "replan-workload");
};

export const sweepForecasts: TJobHandler<"forecast-workloads"> = async (_payload, ctx) => {
  const outcomes = await forecastWorkloads();
  const scaled = outcomes.filter((o) => o.action !== "none");
  if (scaled.length)
    ctx.log.info(
      { scaled: scaled.map((o) => ({ workloadId: o.workloadId, action: o.action })) },
      "forecast sweep scaled workloads",
    );
};

export const sweepReconcile: TJobHandler<"reconcile-workloads"> = async (_payload, ctx) => {
  const result = await reconcileWorkloads();
  if (result.replanned || result.completed || result.resumed)
    ctx.log.info(result, "reconcile sweep moved workloads along");
};
