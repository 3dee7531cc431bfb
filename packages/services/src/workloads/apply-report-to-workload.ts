import { TERMINAL_WORKLOAD_STATUSES } from "@koi/contracts/workloads/workloads";
import type { TAssignmentReport } from "@koi/contracts/agent/reports";
import { enqueueViaOutbox } from "@koi/core/outbox";
import type { Tx, Workload } from "@koi/db";
import { formatUsd, formatUsdPerHour } from "@koi/catalog/format-usd";
import { requestsSinceCount } from "./requests-since-count.ts";

/**
 * The workload side of an assignment report, inside `recordReport`'s transaction (workload row
 * already locked): progress and cost are the sums over the workload's assignments (a replan's
 * new assignment starts from the remainder); between Orca's chunk counts, progress is also
 * estimated from the tokens generated since the last count (`progressEstimate`). `completed`
 * asks for `complete-workload`; `failed` asks for a replan of what is left; spend past the budget
 * (a batch job's USD, an online service's USD per hour) asks for one notification. A fenced
 * assignment's report (`fenced`: lost, being stopped) moves only the sums: the workload's state is
 * the replan's.
 */
export async function applyReportToWorkload(
  tx: Tx,
  workloadId: string,
  assignmentId: string,
  report: TAssignmentReport,
  { fenced = false }: { fenced?: boolean } = {},
): Promise<void> {
  const workload = await tx.workload.findUnique({ where: { id: workloadId } });
  if (!workload) return;
  const sums = await tx.assignment.aggregate({ where: { workloadId }, _sum: { progressDone: true, costUsd: true } });
  const done = sums._sum.progressDone ?? 0;
  const costUsd = sums._sum.costUsd ?? 0;
  const progressDone = workload.progressTotal > 0 ? Math.min(workload.progressTotal, done) : done;
  const running = !fenced && workload.status === "DISPATCHING" && report.state === "running";
  const estimatedExtra = await requestsSinceCount(tx, workload, assignmentId, report);
  await tx.workload.update({
    where: { id: workloadId },
    data: {
      progressDone,
      progressEstimate:
        estimatedExtra > 0 ? Math.min(workload.progressTotal || Infinity, progressDone + estimatedExtra) : null,
      costUsd,
      ...(running
        ? { status: "RUNNING", startedAt: workload.startedAt ?? new Date(report.at), statusDetail: null }
        : {}),
    },
  });
  if (!fenced && report.state === "completed" && !TERMINAL_WORKLOAD_STATUSES.includes(workload.status)) {
    await enqueueViaOutbox(
      tx,
      "complete-workload",
      { workloadId },
      { jobId: `complete-${workloadId}`, orgId: workload.orgId },
    );
  }
  if (!fenced && report.state === "failed" && ["DISPATCHING", "RUNNING"].includes(workload.status)) {
    await enqueueViaOutbox(
      tx,
      "replan-workload",
      { workloadId, reason: "the engine reported the job failed", assignmentId },
      { jobId: `replan-${assignmentId}-failed`, orgId: workload.orgId },
    );
  }
  const message =
    workload.budgetUsd === null
      ? null
      : await overBudget(tx, workload, workload.budgetUsd, costUsd, new Date(report.at));
  if (message) {
    await enqueueViaOutbox(
      tx,
      "notify-org",
      { notificationKey: `budget-${workloadId}`, orgId: workload.orgId, kind: "budget", workloadId, message },
      { jobId: `notify-budget-${workloadId}`, orgId: workload.orgId },
    );
  }
}

const HOUR_MS = 3_600_000;
/** An online service's hourly rate is judged once it has run this long (launch costs skew less). */
const ONLINE_BUDGET_AFTER_MS = 15 * 60_000;

/**
 * The alert text when this report takes the workload past its budget: a batch job's total in USD,
 * an online service's spend per hour over the last hour (or since it started, if sooner).
 */
async function overBudget(
  tx: Tx,
  workload: Workload,
  budget: number,
  costUsd: number,
  at: Date,
): Promise<string | null> {
  if (workload.kind === "batch") {
    return costUsd > budget && workload.costUsd <= budget
      ? `${workload.name} has spent ${formatUsd(costUsd)}, past its budget of ${formatUsd(budget)}.`
      : null;
  }
  if (!workload.startedAt) return null;
  if (await tx.outboxEvent.count({ where: { jobId: `notify-budget-${workload.id}` } })) return null; // alerted already
  const windowMs = Math.min(HOUR_MS, at.getTime() - workload.startedAt.getTime());
  if (windowMs < ONLINE_BUDGET_AFTER_MS) return null;
  const assignments = await tx.assignment.findMany({ where: { workloadId: workload.id }, select: { id: true } });
  const spent = await tx.usageRecord.aggregate({
    where: { assignmentId: { in: assignments.map((a) => a.id) }, at: { gt: new Date(at.getTime() - windowMs) } },
    _sum: { costUsd: true },
  });
  const perHour = (spent._sum.costUsd ?? 0) / (windowMs / HOUR_MS);
  return perHour > budget
    ? `${workload.name} is spending ${formatUsdPerHour(perHour)}, past its budget of ${formatUsdPerHour(budget)}.`
    : null;
}
