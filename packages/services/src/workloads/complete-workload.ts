import { randomUUID } from "node:crypto";
import { TERMINAL_WORKLOAD_STATUSES, type TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { findGpu, resolveModel } from "@koi/catalog";
import { calibrationKey, emptyCalibration, recordObservation } from "@koi/planner";
import { type Assignment, type Prisma, type Tx } from "@koi/db";
import { resumePausedWorkloads } from "./resume-paused-workloads.ts";
import { tokensPerRequest } from "./workload-inputs.ts";
import { progressInRequests } from "./progress-in-requests.ts";
import { readCalibrationEntry, readReport, readSpec, ZPlacementRecord } from "./read-stored-json.ts";
import { withWorkloadLock } from "./with-workload-lock.ts";

/**
 * The `complete-workload` job: COMPLETED with the final cost and completedAt, observed vs predicted
 * tokens/s into the org's CalibrationFactor, and the work it paused resumed. A no-op unless the
 * workload is unfinished and has a completed assignment, so it is safe to run twice.
 */
export async function completeWorkload(workloadId: string, now = new Date()) {
  const outcome = await withWorkloadLock(workloadId, { planning: false }, async (tx, workload) => {
    if (!workload || TERMINAL_WORKLOAD_STATUSES.includes(workload.status)) return { result: "noop" as const };
    const finished = await tx.assignment.findFirst({
      where: { workloadId, state: "completed" },
      orderBy: { updatedAt: "desc" },
    });
    if (!finished) return { result: "noop" as const };
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
    await calibrate(tx, workload.orgId, readSpec(workload), finished);
    const wake = await resumePausedWorkloads(tx, workloadId, `${workload.name} completed`);
    return { result: "completed" as const, wake };
  });
  return { outcome };
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
  const data = reports.map(readReport);
  const perReplica = data.flatMap((d) =>
    d.state === "running" && d.throughput && d.throughput.tokensPerSecond > 0 && (d.replicas?.live ?? 0) > 0
      ? [d.throughput.tokensPerSecond / d.replicas!.live]
      : [],
  );
  if (perReplica.length) return perReplica.sort((a, b) => a - b)[Math.floor(perReplica.length / 2)]!;
  const withProgress = data.flatMap((d) =>
    d.progress ? [{ at: d.at, requests: progressInRequests(d.progress, assignment.progressTotal) }] : [],
  );
  const first = withProgress.find((d) => d.requests > 0);
  const last = withProgress.at(-1);
  if (!first || !last || last === first) return null;
  // Partial, as calibrate reads it: a placement without a pool must not fail the completion.
  const replicas = ZPlacementRecord.partial().parse(assignment.placement).replicas || 1;
  const seconds = (Date.parse(last.at) - Date.parse(first.at)) / 1000;
  const done = last.requests - first.requests;
  return seconds > 0 && done > 0 ? (done * perRequestTokens) / seconds / replicas : null;
}

async function calibrate(
  tx: Tx,
  orgId: string,
  submission: TWorkloadSubmission,
  assignment: Assignment,
): Promise<void> {
  // Calibration needs the prediction the placement carried; an assignment without one is skipped.
  const placement = ZPlacementRecord.partial().parse(assignment.placement);
  if (!placement.gpuType || !placement.tp || !placement.rawPredictedTps) return;
  const observed = await observedReplicaTps(tx, assignment, tokensPerRequest(submission));
  if (!observed) return;
  // Keyed as the planner looks factors up: by the catalog's model and GPU ids, not the names submitted.
  const model = resolveModel(submission).id;
  const gpu = findGpu(placement.gpuType).id;
  // Insert-or-lock, so two completions of one (model, GPU, TP) both land in the window.
  await tx.$executeRaw`INSERT INTO "CalibrationFactor" (id, "orgId", model, "gpuType", tp, state, "updatedAt")
    VALUES (${randomUUID()}, ${orgId}, ${model}, ${gpu}, ${placement.tp}, '{}'::jsonb, now()) ON CONFLICT ("orgId", model, "gpuType", tp) DO NOTHING`;
  const [row] = await tx.$queryRaw<{ id: string; state: unknown }[]>`
    SELECT id, state FROM "CalibrationFactor" WHERE "orgId" = ${orgId} AND model = ${model} AND "gpuType" = ${gpu} AND tp = ${placement.tp} FOR UPDATE`;
  if (!row) return;
  const table = emptyCalibration();
  const key = { model, gpu, tp: placement.tp };
  const previous = readCalibrationEntry(row.state);
  if (previous) table.entries[calibrationKey(key)] = previous;
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
