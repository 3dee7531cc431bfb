import { randomUUID } from "node:crypto";
import type { TAssignmentReport } from "@koi/contracts/agent/reports";
import { TERMINAL_WORKLOAD_STATUSES, type TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { findGpu } from "@koi/catalog";
import { calibrationKey, emptyCalibration, recordObservation, type TCalibrationEntry } from "@koi/planner";
import { prisma, type Assignment, type Prisma, type Tx } from "@koi/db";
import { publishCommandWakeup } from "../agents/command-wakeups.ts";
import type { TPlacementRecord } from "./dispatch-plan.ts";
import { lockWorkload } from "./lock-rows.ts";
import { resumePausedWorkloads } from "./resume-paused-workloads.ts";
import { tokensPerRequest } from "./workload-inputs.ts";

/**
 * The `complete-workload` job: COMPLETED with the final cost and completedAt, observed vs predicted
 * tokens/s into the org's CalibrationFactor, and the work it paused resumed. A no-op unless the
 * workload is unfinished and has a completed assignment, so it is safe to run twice.
 */
export async function completeWorkload(workloadId: string, now = new Date()) {
  const result = await prisma.$transaction(async (tx) => {
    const workload = await lockWorkload(tx, workloadId);
    if (!workload || TERMINAL_WORKLOAD_STATUSES.includes(workload.status))
      return { outcome: "noop" as const, wake: [] };
    const finished = await tx.assignment.findFirst({
      where: { workloadId, state: "completed" },
      orderBy: { updatedAt: "desc" },
    });
    if (!finished) return { outcome: "noop" as const, wake: [] };
    const sums = await tx.assignment.aggregate({ where: { workloadId }, _sum: { costUsd: true } });
    const late = workload.deadlineAt !== null && now > workload.deadlineAt;
    await tx.workload.update({
      where: { id: workloadId },
      data: {
        status: "COMPLETED",
        completedAt: now,
        costUsd: sums._sum.costUsd ?? workload.costUsd,
        health: late ? "LATE" : "ON_TRACK",
        progressDone: workload.progressTotal > 0 ? workload.progressTotal : workload.progressDone,
        statusDetail: late ? "completed after the deadline" : "completed",
      },
    });
    await calibrate(tx, workload.orgId, workload.model, workload.spec as unknown as TWorkloadSubmission, finished);
    const wake = await resumePausedWorkloads(tx, workloadId, `${workload.name} completed`);
    return { outcome: "completed" as const, wake };
  });
  await Promise.all(result.wake.map((id) => publishCommandWakeup(id)));
  return { outcome: result.outcome };
}

/** Observed tokens/s of one replica: the engine's throughput reports, else progress over time. */
export async function observedReplicaTps(
  tx: Tx,
  assignment: Assignment,
  perRequestTokens: number,
): Promise<number | null> {
  const reports = await tx.assignmentReport.findMany({
    where: { assignmentId: assignment.id, epoch: assignment.epoch },
    orderBy: { seq: "asc" },
    select: { data: true },
  });
  const data = reports.map((r) => r.data as unknown as TAssignmentReport);
  const perReplica = data.flatMap((d) =>
    d.state === "running" && d.throughput && d.throughput.tokensPerSecond > 0 && (d.replicas?.live ?? 0) > 0
      ? [d.throughput.tokensPerSecond / d.replicas!.live]
      : [],
  );
  if (perReplica.length) return perReplica.sort((a, b) => a - b)[Math.floor(perReplica.length / 2)]!;
  const withProgress = data.filter((d) => d.progress);
  const first = withProgress.find((d) => (d.progress?.completed ?? 0) > 0);
  const last = withProgress.at(-1);
  const replicas = (assignment.placement as unknown as TPlacementRecord).replicas || 1;
  if (!first || !last || last === first) return null;
  const seconds = (Date.parse(last.at) - Date.parse(first.at)) / 1000;
  const done = last.progress!.completed - first.progress!.completed;
  return seconds > 0 && done > 0 ? (done * perRequestTokens) / seconds / replicas : null;
}

async function calibrate(
  tx: Tx,
  orgId: string,
  model: string,
  submission: TWorkloadSubmission,
  assignment: Assignment,
): Promise<void> {
  const placement = assignment.placement as unknown as Partial<TPlacementRecord>;
  if (!placement.gpuType || !placement.tp || !placement.rawPredictedTps) return;
  const observed = await observedReplicaTps(tx, assignment, tokensPerRequest(submission));
  if (!observed) return;
  const gpu = findGpu(placement.gpuType).id;
  // Insert-or-lock, so two completions of one (model, GPU, TP) both land in the window.
  await tx.$executeRaw`INSERT INTO "CalibrationFactor" (id, "orgId", model, "gpuType", tp, state, "updatedAt")
    VALUES (${randomUUID()}, ${orgId}, ${model}, ${gpu}, ${placement.tp}, '{}'::jsonb, now()) ON CONFLICT ("orgId", model, "gpuType", tp) DO NOTHING`;
  const [row] = await tx.$queryRaw<{ id: string; state: TCalibrationEntry | Record<string, never> }[]>`
    SELECT id, state FROM "CalibrationFactor" WHERE "orgId" = ${orgId} AND model = ${model} AND "gpuType" = ${gpu} AND tp = ${placement.tp} FOR UPDATE`;
  if (!row) return;
  const table = emptyCalibration();
  const key = { model, gpu, tp: placement.tp };
  if ("logRatios" in row.state) table.entries[calibrationKey(key)] = row.state as TCalibrationEntry;
  const next = recordObservation(table, {
    ...key,
    observedTokensPerSecond: observed,
    predictedTokensPerSecond: placement.rawPredictedTps,
  });
  const entry = Object.values(next.entries)[0];
  if (entry)
    await tx.calibrationFactor.update({
      where: { id: row.id },
      data: { state: entry as unknown as Prisma.InputJsonValue },
    });
}
