import { ENDED_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import type { TCapacityPool, TReplicaGroup } from "@koi/planner";
import type { Tx } from "@koi/db";
import { buildOrgCapacity } from "./build-org-capacity.ts";
import { dispatchPlan } from "./dispatch-plan.ts";
import { loadOrgCalibration } from "./load-calibration.ts";
import { remainingWorkload } from "./workload-inputs.ts";
import { readAlternatives } from "./read-stored-json.ts";

/**
 * The workload side of a deploy ack, inside `ackCommand`'s transaction (which holds the org
 * planning lock for a failure, then the workload lock). accepted/completed → RUNNING; rejected/
 * failed → the Decision's next alternative on an ONLINE agent with room (a `failover` Decision,
 * Assignment and deploy), or FAILED when none is left. Returns agents to wake after commit.
 */
export async function handleDeployAck(
  tx: Tx,
  assignmentId: string,
  status: "ACCEPTED" | "COMPLETED" | "REJECTED" | "FAILED",
  detail: string | null,
  now = new Date(),
): Promise<string[]> {
  const assignment = await tx.assignment.findUnique({ where: { id: assignmentId } });
  if (!assignment?.workloadId) return [];
  const workload = await tx.workload.findUniqueOrThrow({ where: { id: assignment.workloadId } });
  if (status === "ACCEPTED" || status === "COMPLETED") {
    if (assignment.state === "deploying")
      await tx.assignment.update({ where: { id: assignmentId }, data: { state: "running" } });
    if (workload.status === "DISPATCHING") {
      await tx.workload.update({
        where: { id: workload.id },
        data: { status: "RUNNING", startedAt: workload.startedAt ?? now, statusDetail: null },
      });
    }
    return [];
  }
  await tx.assignment.update({ where: { id: assignmentId }, data: { state: "failed" } });
  if (workload.status !== "DISPATCHING" && workload.status !== "RUNNING") return [];
  const live = await tx.assignment.count({
    where: {
      workloadId: workload.id,
      id: { not: assignmentId },
      state: { notIn: [...ENDED_ASSIGNMENT_STATES] },
    },
  });
  if (live > 0) return [];

  const decision = assignment.decisionId
    ? await tx.decision.findUnique({ where: { id: assignment.decisionId } })
    : null;
  const alternatives = readAlternatives(decision);
  const org = await buildOrgCapacity(workload.orgId, {
    db: tx,
    engine: (workload.engine as "orca" | "tuna" | null) ?? undefined,
  });
  const calibration = await loadOrgCalibration(workload.orgId, tx);
  const remaining = remainingWorkload(workload, now);
  const why = `deploy ${status.toLowerCase()}${detail ? `: ${detail}` : ""}`;
  for (const [i, alt] of alternatives.entries()) {
    if (!fitsFreeGpus(alt.replicas, org.capacity.pools)) continue;
    const dispatched = await dispatchPlan(tx, {
      workload,
      remaining,
      kind: "failover",
      option: alt,
      engine: (workload.engine as "orca" | "tuna" | null) ?? "orca",
      alternatives: alternatives.slice(i + 1),
      reason: `Failover: ${why}. Next alternative: ${alt.summary}.`,
      inputs: {
        failedAssignmentId: assignmentId,
        failedDecisionId: decision?.id ?? null,
        ack: { status, detail },
        at: now.toISOString(),
      },
      org,
      calibration,
    });
    if (dispatched) return [dispatched.agentId];
  }
  await tx.workload.update({
    where: { id: workload.id },
    data: { status: "FAILED", completedAt: now, statusDetail: `${why}; no alternative placement left`.slice(0, 1000) },
  });
  return [];
}

/** Every pool the groups use has the GPUs they need together (count × TP × PP each, summed per pool). */
function fitsFreeGpus(groups: readonly TReplicaGroup[], pools: readonly TCapacityPool[]): boolean {
  const need = new Map<string, number>();
  for (const g of groups) need.set(g.poolId, (need.get(g.poolId) ?? 0) + g.count * g.tp * (g.pp ?? 1));
  return [...need].every(([poolId, gpus]) => {
    const pool = pools.find((p) => p.id === poolId);
    return pool !== undefined && Math.min(pool.available, pool.quota ?? Infinity) >= gpus;
  });
}
