import { enqueueViaOutbox } from "@koi/core/outbox";
import type { TCalibrationTable } from "@koi/planner";
import { type Tx, type Workload } from "@koi/db";
import type { TDecisionKind } from "@koi/contracts/workloads/workloads";
import { dispatchPlan } from "./dispatch-plan.ts";
import { capacityBound, planOnWholeCapacity } from "./plan-on-whole-capacity.ts";
import { planOnOrgCapacity } from "./preview-plan.ts";
import { remainingWorkload } from "./workload-inputs.ts";
import { readSpec, ZPlacementRecord } from "./read-stored-json.ts";
import { withWorkloadLock } from "./with-workload-lock.ts";
import { decisions, planningDuration } from "@koi/core/metrics/koi-metrics";

export const WAITING_FOR_CAPACITY = "waiting for capacity";

export type TPlanOutcome =
  | { outcome: "dispatched"; agentId: string; decisionId: string; assignmentId: string }
  | { outcome: "waiting" | "rebalancing" | "failed"; detail: string }
  | { outcome: "noop"; detail: string };

/**
 * The `plan-workload` job. Safe to run twice (or from two workers): under the org planning lock
 * and the workload row lock it acts only on a PENDING/PLANNING workload; anything else is a no-op.
 */
export async function planWorkload(workloadId: string, opts: { now?: Date } = {}): Promise<TPlanOutcome> {
  return withWorkloadLock(workloadId, { planning: true }, async (tx, workload) => {
    if (!workload || (workload.status !== "PENDING" && workload.status !== "PLANNING"))
      return { result: { outcome: "noop", detail: `workload is ${workload?.status ?? "gone"}` } };
    const result = await planLocked(tx, workload, { kind: "initial", now: opts.now ?? new Date() });
    return { result, wake: result.outcome === "dispatched" ? [result.agentId] : [] };
  });
}

/**
 * Plans what is left of a locked workload and dispatches it (`initial`, `replan`, `swap`); infeasible →
 * FAILED with the binding constraint, busy capacity → PENDING, an urgent job → rebalance.
 */
export async function planLocked(
  tx: Tx,
  workload: Workload,
  o: {
    kind: TDecisionKind;
    now: Date;
    inputs?: Record<string, unknown>;
    excludePoolIds?: string[];
    why?: string;
    calibration?: TCalibrationTable;
  },
): Promise<TPlanOutcome> {
  const submission = readSpec(workload);
  const remaining = remainingWorkload(workload, o.now);
  // Every plan (replan, reconcile's retries) keeps away from pools where this workload's engine jobs failed.
  const failed = await tx.assignment.findMany({
    where: { workloadId: workload.id, state: "failed" },
    select: { placement: true },
  });
  const failedPools = failed
    .map((f) => ZPlacementRecord.partial().parse(f.placement).poolId)
    .filter((id): id is string => !!id);
  const endPlanningTimer = planningDuration.startTimer({ kind: o.kind });
  const { plan, org, calibration } = await planOnOrgCapacity(workload.orgId, submission, remaining, tx, {
    poolIds: [...failedPools, ...(o.excludePoolIds ?? [])],
    forWorkloadId: workload.id,
    ...(o.calibration ? { calibration: o.calibration } : {}),
  });
  endPlanningTimer();
  const inputs = {
    ...o.inputs,
    at: o.now.toISOString(),
    progress: { completed: workload.progressDone, total: workload.progressTotal },
    workload: remaining,
    capacity: org.capacity.pools.map((p) => ({
      ...p,
      agentId: org.owners[p.id]?.agentId,
      priceSource: org.owners[p.id]?.priceSource,
    })),
  };

  if (org.agentsOnline > 0 && org.capacity.pools.length === 0 && failedPools.length > 0) {
    const detail = "the engine failed this workload on every pool it may use";
    await tx.workload.update({
      where: { id: workload.id },
      data: { status: "FAILED", statusDetail: detail, completedAt: o.now },
    });
    return { outcome: "failed", detail };
  }
  if (org.agentsOnline === 0 || org.capacity.pools.length === 0) return wait(tx, workload, WAITING_FOR_CAPACITY);
  if (!plan.feasible) {
    if (workload.priority === "urgent" && capacityBound(plan)) {
      const rebalanced = await tx.decision.count({
        where: { kind: "rebalance_pause", inputs: { path: ["urgentWorkloadId"], equals: workload.id } },
      });
      const tried = await tx.outboxEvent.count({ where: { jobId: `rebalance-${workload.id}` } });
      if (!rebalanced && !tried) {
        await enqueueViaOutbox(
          tx,
          "rebalance-for-workload",
          { workloadId: workload.id },
          { jobId: `rebalance-${workload.id}`, orgId: workload.orgId },
        );
        await tx.workload.update({
          where: { id: workload.id },
          data: { status: "PENDING", statusDetail: "urgent: looking for GPUs lower-priority work can lend" },
        });
        return { outcome: "rebalancing", detail: plan.binding?.detail ?? "" };
      }
    }
    const whole = await planOnWholeCapacity(plan, org, remaining, submission, calibration);
    if (whole?.feasible) return wait(tx, workload, `${WAITING_FOR_CAPACITY}: ${plan.binding?.detail ?? "GPUs busy"}`);
    // Why it can never run: the whole pools' binding constraint, not "too few free GPUs" now.
    const binding = whole?.binding ?? plan.binding;
    const detail = `${binding?.constraint ?? "infeasible"}: ${binding?.detail ?? plan.reason}`;
    await tx.workload.update({
      where: { id: workload.id },
      data: { status: "FAILED", statusDetail: detail.slice(0, 1000), completedAt: o.now },
    });
    await tx.decision.create({
      data: {
        orgId: workload.orgId,
        workloadId: workload.id,
        kind: o.kind,
        inputs: inputs as object,
        plan: plan as unknown as object,
        alternatives: [],
        reason: plan.reason,
      },
    });
    decisions.inc({ kind: o.kind });
    return { outcome: "failed", detail };
  }
  const dispatched = await dispatchPlan(tx, {
    workload,
    remaining,
    kind: o.kind,
    option: plan,
    engine: plan.engine,
    alternatives: plan.alternatives,
    // planOnOrgCapacity's reason names the engine the plan goes to, and why.
    reason: `${o.why ? `${o.why} ` : ""}${plan.reason}`,
    inputs,
    org,
    calibration,
  });
  if (!dispatched) return wait(tx, workload, `${WAITING_FOR_CAPACITY}: the chosen pool has no agent`);
  return { outcome: "dispatched", ...dispatched };
}

async function wait(tx: Tx, workload: Workload, detail: string): Promise<TPlanOutcome> {
  // Reconcile retries it; the update also moves updatedAt, which names the next retry job.
  await tx.workload.update({
    where: { id: workload.id },
    data: { status: "PENDING", statusDetail: detail.slice(0, 1000) },
  });
  return { outcome: "waiting", detail };
}
