import { findGpu, resolveModel, TP_DEGREES } from "@koi/catalog";
import {
  correctionFactor,
  type TAlternative,
  type TCalibrationTable,
  type TPlan,
  type TPlanOption,
  type TReplicaGroup,
  type TWorkload,
} from "@koi/planner";
import type { TReplicaGroupPlacement } from "@koi/contracts/agent/commands";
import type { Prisma, Tx, Workload } from "@koi/db";
import type { TDecisionKind } from "@koi/contracts/workloads/workloads";
import { writeCommand } from "../agents/issue-command.ts";
import type { TOrgCapacity } from "./build-org-capacity.ts";
import { largestGroup, workloadSpecFor } from "./workload-inputs.ts";
import { readSpec, type TPlacementRecord } from "./read-stored-json.ts";
import { decisions } from "@koi/core/metrics/koi-metrics";

/** `model` is the catalog's model id: the key calibration factors are stored and looked up under. */
export function placementFor(
  option: TPlanOption,
  agentId: string,
  model: string,
  calibration: TCalibrationTable,
): TPlacementRecord | null {
  const group = largestGroup(option.replicas);
  if (!group) return null;
  const groupGpus = group.count * group.tp * (group.pp ?? 1);
  // The optimiser reports plan totals; a group's share is proportional to its GPUs (exact for one group).
  const share = option.gpus > 0 ? groupGpus / option.gpus : 1;
  const predictedTps = (option.tokensPerSecond * share) / group.count;
  const factor = correctionFactor(calibration, { model, gpu: findGpu(group.gpuType).id, tp: group.tp });
  return {
    poolId: group.poolId,
    agentId,
    gpuType: group.gpuType,
    market: group.market,
    tp: group.tp,
    pp: group.pp ?? 1,
    replicas: group.count,
    gpus: groupGpus,
    predictedTps,
    rawPredictedTps: predictedTps / factor,
    replicaCostPerHour: (option.costPerHour * share) / group.count,
    ...(option.replicas.some((g) => g.role !== "both") ? { split: true } : {}),
  };
}

/** The plan's replica groups on this agent's pools, as the engine runs them (role, stages, machines). */
function groupsFor(
  replicas: readonly TReplicaGroup[],
  agentId: string,
  owners: TOrgCapacity["owners"],
): TReplicaGroupPlacement[] {
  return replicas
    .filter((g) => owners[g.poolId]?.agentId === agentId && TP_DEGREES.includes(g.tp))
    .map((g) => ({
      gpuType: g.gpuType,
      tp: g.tp as 1 | 2 | 4 | 8,
      pp: g.pp ?? 1,
      replicas: g.count,
      market: g.market,
      role: g.role,
      ...(g.machines !== undefined ? { machines: g.machines } : {}),
      ...(g.instanceType !== undefined ? { instanceType: g.instanceType } : {}),
    }));
}

function alternativesPayload(alternatives: readonly TAlternative[]) {
  return alternatives.slice(0, 8).flatMap((a) => {
    const g = largestGroup(a.replicas);
    if (!g || !TP_DEGREES.includes(g.tp)) return [];
    return [
      {
        gpuType: g.gpuType,
        tp: g.tp as 1 | 2 | 4 | 8,
        pp: g.pp ?? 1,
        market: g.market,
        predictedTps:
          a.tokensPerSecond /
          Math.max(
            1,
            a.replicas.reduce((n, r) => n + r.count, 0),
          ),
        costPerHour: a.costPerHour,
      },
    ];
  });
}

/** A chosen plan and what the Decision records about it. */
type TPlanToDispatch = {
  workload: Workload;
  remaining: TWorkload;
  kind: TDecisionKind;
  option: TPlanOption;
  engine: TPlan["engine"];
  alternatives: TAlternative[];
  reason: string;
  inputs: Record<string, unknown>;
  org: Pick<TOrgCapacity, "owners">;
  calibration: TCalibrationTable;
};

/**
 * Writes the Decision, one Assignment on the agent owning the plan's main pool and its `deploy`
 * Command, and moves the workload to DISPATCHING. Call inside the transaction holding the workload
 * lock; wake the returned agent after commit.
 */
export async function dispatchPlan(
  tx: Tx,
  input: TPlanToDispatch,
): Promise<{ agentId: string; decisionId: string; assignmentId: string } | null> {
  const { workload } = input;
  const main = largestGroup(input.option.replicas);
  const owner = main ? input.org.owners[main.poolId] : undefined;
  if (!main || !owner) return null;
  const model = resolveModel(readSpec(workload)).id;
  const placement = placementFor(input.option, owner.agentId, model, input.calibration);
  if (!placement || !TP_DEGREES.includes(placement.tp)) return null;
  const decision = await tx.decision.create({
    data: {
      orgId: workload.orgId,
      workloadId: workload.id,
      kind: input.kind,
      reason: input.reason,
      inputs: input.inputs as Prisma.InputJsonValue,
      plan: { ...input.option, engine: input.engine, placement } as unknown as Prisma.InputJsonValue,
      alternatives: input.alternatives as unknown as Prisma.InputJsonValue,
    },
  });
  decisions.inc({ kind: input.kind });
  const assignment = await tx.assignment.create({
    data: {
      orgId: workload.orgId,
      agentId: owner.agentId,
      workloadId: workload.id,
      decisionId: decision.id,
      state: "deploying",
      progressTotal: input.remaining.kind === "batch" ? input.remaining.requests : 0,
      placement: placement as unknown as Prisma.InputJsonValue,
    },
  });
  await writeCommand(tx, {
    orgId: workload.orgId,
    assignmentId: assignment.id,
    type: "deploy",
    payload: {
      workload: workloadSpecFor(workload, input.remaining),
      placement: {
        gpuType: placement.gpuType,
        tp: placement.tp as 1 | 2 | 4 | 8,
        pp: placement.pp,
        replicas: placement.replicas,
        market: placement.market,
      },
      alternatives: alternativesPayload(input.alternatives),
      decisionId: decision.id,
      predictedTps: placement.predictedTps,
      groups: groupsFor(input.option.replicas, owner.agentId, input.org.owners),
    },
  });
  const predictedCostUsd =
    input.remaining.kind === "batch" ? workload.costUsd + input.option.totalCost : input.option.costPerHour;
  await tx.workload.update({
    where: { id: workload.id },
    data: {
      status: "DISPATCHING",
      engine: input.engine,
      predictedCostUsd,
      statusDetail: `deploying ${placement.replicas}× ${placement.gpuType} (TP${placement.tp}, ${placement.market}) on ${owner.clusterName}`,
    },
  });
  return { agentId: owner.agentId, decisionId: decision.id, assignmentId: assignment.id };
}
