import { TERMINAL_WORKLOAD_STATUSES } from "@koi/contracts/workloads/workloads";
import { ENDED_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { enqueueManyViaOutbox } from "@koi/core/outbox";
import { prisma } from "@koi/db";
import { publishCommandWakeup } from "../agents/command-wakeups.ts";
import { completeWorkload } from "./complete-workload.ts";
import { lockWorkload } from "./lock-rows.ts";
import { resumePausedWorkloads } from "./resume-paused-workloads.ts";

/** A workload untouched this long while PENDING/PLANNING has lost (or finished) its plan job. */
export const RECONCILE_GRACE_MS = 10_000;
const BATCH = 500;

export type TReconcileResult = { replanned: number; completed: number; resumed: number };

/**
 * The `reconcile-workloads` sweep: rebuilds pending work from Postgres, so a Redis that lost its
 * jobs (flush, failover to an empty replica) or a workload waiting for capacity moves on.
 * - PENDING/PLANNING without a live assignment, quiet for RECONCILE_GRACE_MS → `plan-workload`
 *   under `plan-<id>-<updatedAt>`: one job per version of the row (the handler's own write moves
 *   updatedAt, which names the next retry), and the handler no-ops once the workload moved on.
 * - a completed assignment under an unfinished workload → `completeWorkload` (idempotent).
 * - work paused for an urgent workload that has ended → resumed.
 * Leased commands need nothing here: an expired lease is redelivered by the next claim.
 */
export async function reconcileWorkloads(now = new Date()): Promise<TReconcileResult> {
  const stale = await prisma.workload.findMany({
    where: {
      status: { in: ["PENDING", "PLANNING"] },
      updatedAt: { lt: new Date(now.getTime() - RECONCILE_GRACE_MS) },
      assignments: { none: { state: { notIn: [...ENDED_ASSIGNMENT_STATES] } } },
    },
    select: { id: true, orgId: true, updatedAt: true },
    orderBy: { updatedAt: "asc" },
    take: BATCH,
  });
  if (stale.length)
    await enqueueManyViaOutbox(
      prisma,
      "plan-workload",
      stale.map((w) => ({
        payload: { workloadId: w.id },
        jobId: `plan-${w.id}-${w.updatedAt.getTime()}`,
        orgId: w.orgId,
      })),
    );

  const finished = await prisma.assignment.findMany({
    where: { state: "completed", workload: { status: { in: ["DISPATCHING", "RUNNING", "PAUSED"] } } },
    select: { workloadId: true },
    distinct: ["workloadId"],
    take: BATCH,
  });
  let completed = 0;
  for (const a of finished)
    if (a.workloadId && (await completeWorkload(a.workloadId, now)).outcome === "completed") completed++;

  const pauses = await prisma.decision.findMany({
    where: { kind: "rebalance_pause", workload: { status: { in: ["PAUSED", "RUNNING"] } } },
    select: { inputs: true },
  });
  const urgentIds = [
    ...new Set(
      pauses
        .map((p) => (p.inputs as { urgentWorkloadId?: string }).urgentWorkloadId)
        .filter((id): id is string => Boolean(id)),
    ),
  ];
  const ended = await prisma.workload.findMany({
    where: { id: { in: urgentIds }, status: { in: [...TERMINAL_WORKLOAD_STATUSES] } },
    select: { id: true, name: true, status: true },
  });
  let resumed = 0;
  for (const u of ended) {
    const wake = await prisma.$transaction(async (tx) => {
      await lockWorkload(tx, u.id);
      return resumePausedWorkloads(tx, u.id, `${u.name} ${u.status.toLowerCase()}`);
    });
    resumed += wake.length;
    await Promise.all([...new Set(wake)].map((id) => publishCommandWakeup(id)));
  }
  return { replanned: stale.length, completed, resumed };
}
