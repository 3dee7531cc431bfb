import { GPU_FREE_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { enqueueViaOutbox } from "@koi/core/outbox";
import {
  formatDuration,
  PRIORITY_RANK,
  rebalanceForUrgent,
  routeEngine,
  selectGpus,
  type TPriority,
} from "@koi/planner";
import { type Prisma } from "@koi/db";
import { writeCommand } from "../agents/issue-command.ts";
import { buildOrgCapacity } from "./build-org-capacity.ts";
import { loadOrgCalibration } from "./load-calibration.ts";
import { lockWorkload } from "./lock-rows.ts";
import { WAITING_FOR_CAPACITY } from "./plan-workload.ts";
import type { TPauseInputs } from "./resume-paused-workloads.ts";
import { remainingWorkload, selectOptionsFor, tokensPerRequest } from "./workload-inputs.ts";
import { readPlacement, readSpec } from "./read-stored-json.ts";
import { withWorkloadLock } from "./with-workload-lock.ts";
import { decisions } from "@koi/core/metrics/koi-metrics";

export type TRebalanceOutcome = { outcome: "noop" | "declined" | "rebalanced"; detail: string };

/**
 * The `rebalance-for-workload` job, for an urgent workload that did not fit: the planner's
 * `rebalanceForUrgent` picks strictly lower-priority RUNNING batch workloads with slack (each must
 * still meet its own deadline) to pause or shrink; then the urgent one is planned again, whether
 * anyone lent or not. A no-op unless the workload is still PENDING and nothing was lent to it yet.
 */
export async function rebalanceForWorkload(workloadId: string, now = new Date()): Promise<TRebalanceOutcome> {
  return withWorkloadLock<TRebalanceOutcome>(workloadId, { planning: true }, async (tx, urgent) => {
    if (!urgent || urgent.status !== "PENDING")
      return { result: { outcome: "noop" as const, detail: `workload is ${urgent?.status ?? "gone"}` } };
    if (
      await tx.decision.count({
        where: { kind: "rebalance_pause", inputs: { path: ["urgentWorkloadId"], equals: workloadId } },
      })
    ) {
      return { result: { outcome: "noop" as const, detail: "already rebalanced" } };
    }
    const remaining = remainingWorkload(urgent, now);
    const org = await buildOrgCapacity(urgent.orgId, { db: tx, engine: routeEngine(remaining).engine });
    const rank = PRIORITY_RANK[(urgent.priority as TPriority) ?? "normal"];
    const candidates = await tx.workload.findMany({
      where: {
        orgId: urgent.orgId,
        status: "RUNNING",
        kind: "batch",
        deadlineAt: { not: null },
        id: { not: urgent.id },
      },
      include: {
        assignments: {
          where: { state: { notIn: [...GPU_FREE_ASSIGNMENT_STATES] } },
          orderBy: { createdAt: "desc" },
          take: 1,
        },
      },
    });
    // Requests/s each lender can be counted on for. A stalled one (rate 0) is left out: the planner
    // would take its GPUs first, as idle, and then find it can never finish, declining the whole
    // rebalance even when a healthy lender could have lent.
    const rates = new Map<string, number>();
    for (const w of candidates) {
      const a = w.assignments[0];
      if (!a || PRIORITY_RANK[(w.priority as TPriority) ?? "normal"] >= rank) continue;
      const p = readPlacement(a);
      // The engine cannot pause or shrink a prefill/decode split: it lends nothing.
      if (!org.owners[p.poolId] || p.split) continue;
      const remainingWork = Math.max(0, w.progressTotal - w.progressDone);
      rates.set(
        w.id,
        forecastRate(w, remainingWork, now, (p.predictedTps * p.replicas) / tokensPerRequest(readSpec(w))),
      );
    }
    const lenders = candidates.filter((w) => (rates.get(w.id) ?? 0) > 0);

    // The urgent job's rate on each pool: size it as if every lender's GPUs were free.
    const heldBy = new Map<string, number>();
    for (const w of lenders) {
      const p = readPlacement(w.assignments[0]!);
      heldBy.set(p.poolId, (heldBy.get(p.poolId) ?? 0) + p.gpus);
    }
    const calibration = await loadOrgCalibration(urgent.orgId, tx);
    const gross = {
      pools: org.capacity.pools.map((p) => ({
        ...p,
        available: p.available + (heldBy.get(p.id) ?? 0),
        ...(p.quota !== undefined ? { quota: p.quota + (heldBy.get(p.id) ?? 0) } : {}),
      })),
    };
    // Only pools the urgent job may use (its allowed markets, its budget) count as lendable.
    const sized = await selectGpus(remaining, gross, {
      ...selectOptionsFor(readSpec(urgent)),
      calibration,
      alternatives: 0,
    });
    const perRequest = tokensPerRequest(readSpec(urgent));
    // Nobody can lend: planning decides between waiting for busy GPUs and failing on the binding constraint.
    const decline = async (detail: string) => {
      await tx.workload.update({
        where: { id: urgent.id },
        data: { statusDetail: `${WAITING_FOR_CAPACITY}: ${detail}`.slice(0, 1000) },
      });
      await enqueueViaOutbox(
        tx,
        "plan-workload",
        { workloadId: urgent.id },
        { jobId: `plan-${urgent.id}-not-rebalanced`, orgId: urgent.orgId },
      );
      return { result: { outcome: "declined" as const, detail } };
    };
    if (remaining.kind !== "batch" || !urgent.deadlineAt)
      return decline("only batch work with a deadline can borrow GPUs from lower-priority work");
    if (!sized.feasible)
      return decline(
        `${sized.binding?.constraint ?? "infeasible"}: ${sized.binding?.detail ?? sized.reason} (even with lower-priority work paused)`,
      );
    const ratePerGpu = sized.tokensPerSecond / Math.max(1, sized.gpus) / perRequest;
    const result = rebalanceForUrgent({
      now: now.getTime() / 1000,
      free: org.capacity,
      urgent: {
        id: urgent.id,
        priority: "urgent",
        deadline: urgent.deadlineAt.getTime() / 1000,
        remainingWork: remaining.requests,
        ratePerGpuByPool: Object.fromEntries(sized.replicas.map((g) => [g.poolId, ratePerGpu])),
        stepByPool: Object.fromEntries(sized.replicas.map((g) => [g.poolId, g.tp * (g.pp ?? 1)])),
      },
      running: lenders.map((w) => {
        const p = readPlacement(w.assignments[0]!);
        const remainingWork = Math.max(0, w.progressTotal - w.progressDone);
        const rate = rates.get(w.id)!;
        return {
          id: w.id,
          priority: (w.priority as TPriority) ?? "normal",
          deadline: w.deadlineAt!.getTime() / 1000,
          remainingWork,
          allocation: [{ poolId: p.poolId, gpus: p.gpus, ratePerGpu: rate / Math.max(1, p.gpus), step: p.tp * p.pp }],
        };
      }),
    });
    if (!result.feasible) return decline(`rebalance: ${result.explanation}`);

    const wake: string[] = [];
    for (const action of result.actions) {
      const lender = lenders.find((w) => w.id === action.workloadId);
      if (!lender) continue;
      await lockWorkload(tx, lender.id);
      const a = lender.assignments[0]!;
      const p = readPlacement(a);
      const slack = `finishes ${formatDuration(action.deadline - action.predictedFinish)} before its deadline`;
      const perReplica = p.tp * p.pp;
      const lent = Math.min(p.replicas, Math.ceil(action.gpus / perReplica));
      const pause = action.kind === "pause" || lent >= p.replicas;
      const after = pause ? p.replicas : p.replicas - lent;
      if (pause) {
        await writeCommand(tx, { orgId: lender.orgId, assignmentId: a.id, type: "pause", payload: {} });
        await tx.assignment.update({ where: { id: a.id }, data: { state: "paused" } });
        await tx.workload.update({
          where: { id: lender.id },
          data: { status: "PAUSED", statusDetail: `paused for ${urgent.name}; still meets its SLO: ${slack}` },
        });
      } else {
        await writeCommand(tx, { orgId: lender.orgId, assignmentId: a.id, type: "scale", payload: { count: after } });
        await tx.assignment.update({
          where: { id: a.id },
          data: { placement: { ...p, replicas: after, gpus: after * perReplica } as unknown as Prisma.InputJsonValue },
        });
        await tx.workload.update({
          where: { id: lender.id },
          data: { statusDetail: `lent ${lent * perReplica} GPUs to ${urgent.name}; still meets its SLO: ${slack}` },
        });
      }
      const inputs: TPauseInputs = {
        urgentWorkloadId: urgent.id,
        urgentName: urgent.name,
        assignmentId: a.id,
        action: pause ? "pause" : "shrink",
        replicasBefore: p.replicas,
        replicasAfter: pause ? 0 : after,
      };
      await tx.decision.create({
        data: {
          orgId: lender.orgId,
          workloadId: lender.id,
          kind: "rebalance_pause",
          inputs: { ...inputs, action: inputs.action, rebalance: result as unknown as Prisma.InputJsonValue },
          plan: { ...action } as unknown as Prisma.InputJsonValue,
          alternatives: [],
          reason: `${pause ? "Paused" : `Shrunk by ${lent} replicas`} for urgent ${urgent.name}; still meets its SLO: ${slack}. ${result.explanation}`,
        },
      });
      decisions.inc({ kind: "rebalance_pause" });
      wake.push(a.agentId);
    }
    await enqueueViaOutbox(
      tx,
      "plan-workload",
      { workloadId: urgent.id },
      { jobId: `plan-${urgent.id}-rebalanced`, orgId: urgent.orgId },
    );
    return { result: { outcome: "rebalanced" as const, detail: result.explanation }, wake };
  });
}

/**
 * Requests/s a lender can be counted on for: the modelled rate, or less when its latest forecast's
 * median finish says so. A job falling behind must not look like it has slack to lend; one whose
 * forecast says "never" or a finish already past (stalled) lends nothing.
 */
function forecastRate(w: { forecast: Prisma.JsonValue }, remainingWork: number, now: Date, modelled: number): number {
  const forecast = w.forecast as { p50?: string | null } | null;
  if (!forecast || !("p50" in forecast)) return modelled; // not forecast yet: no evidence against the model
  const seconds = forecast.p50 ? (Date.parse(forecast.p50) - now.getTime()) / 1000 : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(modelled, remainingWork / seconds) : 0;
}
