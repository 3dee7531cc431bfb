import { ENDED_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { TERMINAL_WORKLOAD_STATUSES } from "@koi/contracts/workloads/workloads";
import { recordAudit } from "@koi/core/audit";
import { notFound } from "@koi/core/app-error";
import { prisma } from "@koi/db";
import { publishCommandWakeup } from "../agents/command-wakeups.ts";
import { writeCommand } from "../agents/issue-command.ts";
import { lockWorkload } from "./lock-rows.ts";
import { resumePausedWorkloads } from "./resume-paused-workloads.ts";

/**
 * Cancels a workload: a `stop` Command for its live assignment(s), status CANCELLED, and work it
 * had paused (rebalance) resumed. Cancelling
 * a finished workload changes nothing and returns it as it is (safe to retry).
 */
export async function cancelWorkload(orgId: string, workloadId: string, actorUserId: string | null) {
  const { workload, agents } = await prisma.$transaction(async (tx) => {
    const locked = await lockWorkload(tx, workloadId);
    if (!locked || locked.orgId !== orgId) throw notFound("No such workload.");
    if (TERMINAL_WORKLOAD_STATUSES.includes(locked.status)) return { workload: locked, agents: [] as string[] };
    const live = await tx.assignment.findMany({
      where: { workloadId, state: { notIn: [...ENDED_ASSIGNMENT_STATES] } },
    });
    for (const a of live) {
      await writeCommand(tx, { orgId, assignmentId: a.id, type: "stop", payload: {} });
      await tx.assignment.update({ where: { id: a.id }, data: { state: "stopping" } });
    }
    const costs = await tx.assignment.aggregate({ where: { workloadId }, _sum: { costUsd: true } });
    const workload = await tx.workload.update({
      where: { id: workloadId },
      data: {
        status: "CANCELLED",
        statusDetail: "cancelled",
        completedAt: new Date(),
        costUsd: costs._sum.costUsd ?? locked.costUsd,
      },
    });
    await recordAudit(tx, {
      orgId,
      actorUserId,
      action: "workload.cancelled",
      targetType: "workload",
      targetId: workloadId,
      data: { stopped: live.length },
    });
    // Work paused to make room for this one gets its GPUs back now.
    const resumed = await resumePausedWorkloads(tx, workloadId, `${locked.name} was cancelled`);
    return { workload, agents: [...new Set([...live.map((a) => a.agentId), ...resumed])] };
  });
  await Promise.all(agents.map((id) => publishCommandWakeup(id)));
  return workload;
}
