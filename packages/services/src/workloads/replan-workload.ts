import { TERMINAL_WORKLOAD_STATUSES } from "@koi/contracts/workloads/workloads";
import { ENDED_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { enqueueViaOutbox } from "@koi/core/outbox";
import { type Prisma, type Tx } from "@koi/db";
import { writeCommand } from "../agents/issue-command.ts";
import { planLocked, type TPlanOutcome } from "./plan-workload.ts";
import { withWorkloadLock } from "./with-workload-lock.ts";

/** A workload whose engine jobs failed this many times is FAILED rather than placed again. */
export const MAX_ENGINE_FAILURES = 3;

/**
 * The `replan-workload` job, after a spot preemption, an agent going OFFLINE or the engine
 * reporting the job failed: a live assignment's epoch is bumped (fencing: the old agent's reports
 * and acks now get 409) and it is marked `lost`, then what is left of the work is planned again (a
 * `replan` Decision), away from pools where its engine jobs failed. A no-op once the workload has
 * moved on (a newer live assignment, or waiting for capacity), so a repeated job changes nothing.
 */
export async function replanWorkload(
  workloadId: string,
  reason: string,
  assignmentId?: string,
  now = new Date(),
): Promise<TPlanOutcome> {
  return withWorkloadLock<TPlanOutcome>(workloadId, { planning: true }, async (tx, workload) => {
    if (!workload || TERMINAL_WORKLOAD_STATUSES.includes(workload.status))
      return { result: { outcome: "noop", detail: "workload finished" } };
    const lost = await tx.assignment.findFirst({
      where: {
        workloadId,
        state: { notIn: [...ENDED_ASSIGNMENT_STATES] },
        ...(assignmentId ? { id: assignmentId } : {}),
      },
      include: { agent: { select: { status: true } } },
      orderBy: { createdAt: "desc" },
    });
    const wake: string[] = [];
    let inputs: Record<string, unknown>;
    if (lost) {
      const fenced = await tx.assignment.update({
        where: { id: lost.id },
        data: { epoch: { increment: 1 }, state: "lost" },
      });
      // A reachable agent (ONLINE or DEGRADED) is told to stop what is left of the old job, under the
      // new epoch so it obeys.
      if (lost.agent.status !== "OFFLINE") {
        await writeCommand(tx, { orgId: lost.orgId, assignmentId: lost.id, type: "stop", payload: {} });
        wake.push(lost.agentId);
      }
      inputs = { reason, lostAssignmentId: lost.id, fencedEpoch: fenced.epoch };
    } else {
      // The engine ended the job itself (`failed`): replan only if nothing newer runs or waits.
      const failed = assignmentId
        ? await tx.assignment.findFirst({ where: { id: assignmentId, workloadId, state: "failed" } })
        : null;
      const newer = await tx.assignment.count({
        where: { workloadId, state: { notIn: [...ENDED_ASSIGNMENT_STATES] } },
      });
      if (!failed || newer > 0 || !["DISPATCHING", "RUNNING"].includes(workload.status))
        return { result: { outcome: "noop", detail: "no live assignment to replan" }, wake };
      // Fence it too: a late report from the failed job must not bring it back to life.
      const fenced = await tx.assignment.update({ where: { id: failed.id }, data: { epoch: { increment: 1 } } });
      inputs = { reason, failedAssignmentId: failed.id, fencedEpoch: fenced.epoch };
    }
    const failures = await tx.assignment.count({ where: { workloadId, state: "failed" } });
    if (failures >= MAX_ENGINE_FAILURES) {
      await tx.workload.update({
        where: { id: workloadId },
        data: {
          status: "FAILED",
          completedAt: now,
          statusDetail: `the engine failed this workload's job ${failures} times; last: ${reason}`.slice(0, 1000),
        },
      });
      return { result: { outcome: "failed", detail: `${failures} engine failures` }, wake };
    }
    // planLocked writes the workload's status and status line on every path it takes.
    const outcome = await planLocked(tx, workload, { kind: "replan", now, inputs });
    if (outcome.outcome === "dispatched") wake.push(outcome.agentId);
    return { result: outcome, wake };
  });
}

/**
 * Asks for a replan of every live workload assignment matching `where` (inside the caller's
 * transaction, via the outbox). One job per (assignment, epoch), so repeats are deduplicated.
 */
export async function enqueueReplans(tx: Tx, where: Prisma.AssignmentWhereInput, reason: string): Promise<number> {
  const live = await tx.assignment.findMany({
    where: { ...where, workloadId: { not: null }, state: { notIn: [...ENDED_ASSIGNMENT_STATES] } },
    select: { id: true, epoch: true, orgId: true, workloadId: true },
  });
  for (const a of live) {
    await enqueueViaOutbox(
      tx,
      "replan-workload",
      { workloadId: a.workloadId!, reason: reason.slice(0, 500), assignmentId: a.id },
      { jobId: `replan-${a.id}-${a.epoch}`, orgId: a.orgId },
    );
  }
  return live.length;
}
