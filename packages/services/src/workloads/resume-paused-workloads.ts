import { z } from "zod";
import { TERMINAL_WORKLOAD_STATUSES } from "@koi/contracts/workloads/workloads";
import { isEndedAssignmentState } from "@koi/contracts/primitives";
import type { Prisma, Tx } from "@koi/db";
import { writeCommand } from "../agents/issue-command.ts";
import { lockWorkload } from "./lock-rows.ts";
import { decisions } from "@koi/core/metrics/koi-metrics";

/** `Decision.inputs` of a `rebalance_pause`: who lent what to which urgent workload. */
const ZPauseInputs = z.looseObject({
  urgentWorkloadId: z.string(),
  urgentName: z.string(),
  assignmentId: z.string(),
  action: z.enum(["pause", "shrink"]),
  replicasBefore: z.number(),
  replicasAfter: z.number(),
});
export type TPauseInputs = z.infer<typeof ZPauseInputs>;

/**
 * Gives back what the urgent workload borrowed: for each `rebalance_pause` Decision naming it and
 * not yet answered by a `rebalance_resume`, a `resume` (paused) or `scale` back (shrunk) Command.
 * Call holding the urgent workload's lock (lock order: urgent, then the lenders). Returns agents to wake.
 */
export async function resumePausedWorkloads(tx: Tx, urgentWorkloadId: string, why: string): Promise<string[]> {
  const pauses = await tx.decision.findMany({
    where: { kind: "rebalance_pause", inputs: { path: ["urgentWorkloadId"], equals: urgentWorkloadId } },
    orderBy: { createdAt: "asc" },
  });
  const wake: string[] = [];
  for (const pause of pauses) {
    const resumed = await tx.decision.count({
      where: {
        workloadId: pause.workloadId,
        kind: "rebalance_resume",
        inputs: { path: ["pauseDecisionId"], equals: pause.id },
      },
    });
    if (resumed) continue;
    const inputs = ZPauseInputs.parse(pause.inputs);
    const victim = await lockWorkload(tx, pause.workloadId);
    const assignment = await tx.assignment.findUnique({ where: { id: inputs.assignmentId } });
    const alive =
      victim &&
      !TERMINAL_WORKLOAD_STATUSES.includes(victim.status) &&
      assignment &&
      !isEndedAssignmentState(assignment.state);
    if (alive) {
      if (inputs.action === "pause") {
        await writeCommand(tx, { orgId: victim.orgId, assignmentId: assignment.id, type: "resume", payload: {} });
        await tx.assignment.update({ where: { id: assignment.id }, data: { state: "running" } });
      } else {
        await writeCommand(tx, {
          orgId: victim.orgId,
          assignmentId: assignment.id,
          type: "scale",
          payload: { count: inputs.replicasBefore },
        });
        const placement = assignment.placement as Record<string, number>;
        const perReplica = (placement.tp ?? 1) * (placement.pp ?? 1);
        await tx.assignment.update({
          where: { id: assignment.id },
          data: {
            placement: {
              ...placement,
              replicas: inputs.replicasBefore,
              gpus: inputs.replicasBefore * perReplica,
            } as Prisma.InputJsonValue,
          },
        });
      }
      if (victim.status === "PAUSED")
        await tx.workload.update({ where: { id: victim.id }, data: { status: "RUNNING", statusDetail: null } });
      wake.push(assignment.agentId);
    }
    await tx.decision.create({
      data: {
        orgId: pause.orgId,
        workloadId: pause.workloadId,
        kind: "rebalance_resume",
        inputs: { pauseDecisionId: pause.id, urgentWorkloadId, resumed: Boolean(alive) },
        plan: { action: inputs.action === "pause" ? "resume" : "scale", replicas: inputs.replicasBefore },
        alternatives: [],
        reason: alive
          ? `${why}: ${inputs.action === "pause" ? "resuming" : `scaling back to ${inputs.replicasBefore} replicas`} after lending GPUs to ${inputs.urgentName}.`
          : `${why}; nothing to resume (the workload or its assignment has ended).`,
      },
    });
    decisions.inc({ kind: "rebalance_resume" });
  }
  return wake;
}
