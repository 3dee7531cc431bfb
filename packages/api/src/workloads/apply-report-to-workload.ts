import type { TAssignmentReport } from "@koi/contracts/agent/reports";
import { enqueueViaOutbox } from "@koi/core/outbox";
import type { Tx } from "@koi/db";

/**
 * The workload side of an assignment report, inside `recordReport`'s transaction (workload row
 * already locked): progress and cost are the sums over the workload's assignments (a replan's
 * new assignment starts from the remainder). `completed` asks for `complete-workload`; `failed`
 * asks for a replan of what is left; spend past a batch budget asks for one notification.
 */
export async function applyReportToWorkload(tx: Tx, workloadId: string, assignmentId: string, report: TAssignmentReport): Promise<void> {
  const workload = await tx.workload.findUnique({ where: { id: workloadId } });
  if (!workload) return;
  const sums = await tx.assignment.aggregate({ where: { workloadId }, _sum: { progressDone: true, costUsd: true } });
  const done = sums._sum.progressDone ?? 0;
  const costUsd = sums._sum.costUsd ?? 0;
  const progressDone = workload.progressTotal > 0 ? Math.min(workload.progressTotal, done) : done;
  const running = workload.status === "DISPATCHING" && report.state === "running";
  await tx.workload.update({
    where: { id: workloadId },
    data: { progressDone, costUsd, ...(running ? { status: "RUNNING", startedAt: workload.startedAt ?? new Date(report.at), statusDetail: null } : {}) },
  });
  if (report.state === "completed" && !["COMPLETED", "FAILED", "CANCELLED"].includes(workload.status)) {
    await enqueueViaOutbox(tx, "complete-workload", { workloadId }, { jobId: `complete-${workloadId}`, orgId: workload.orgId });
  }
  if (report.state === "failed" && ["DISPATCHING", "RUNNING"].includes(workload.status)) {
    await enqueueViaOutbox(tx, "replan-workload", { workloadId, reason: "the engine reported the job failed", assignmentId }, { jobId: `replan-${assignmentId}-failed`, orgId: workload.orgId });
  }
  if (workload.kind === "batch" && workload.budgetUsd !== null && costUsd > workload.budgetUsd && workload.costUsd <= workload.budgetUsd) {
    const message = `${workload.name} has spent $${costUsd.toFixed(2)}, past its budget of $${workload.budgetUsd.toFixed(2)}.`;
    await enqueueViaOutbox(tx, "notify-org", { notificationKey: `budget-${workloadId}`, orgId: workload.orgId, kind: "budget", workloadId, message }, { jobId: `notify-budget-${workloadId}`, orgId: workload.orgId });
  }
}
