import { GPU_FREE_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import {
  estimateRate,
  forecastFinish,
  recommendAction,
  selectGpus,
  type TCalibrationTable,
  type TFinishForecast,
  type TProgressSample,
} from "@koi/planner";
import type { Assignment, Prisma, Tx, Workload } from "@koi/db";
import { writeCommand } from "../agents/issue-command.ts";
import { buildOrgCapacity } from "./build-org-capacity.ts";
import { readPlacement, readReport, readSpec, type TPlacementRecord } from "./read-stored-json.ts";
import { loadOrgCalibration } from "./load-calibration.ts";
import { planLocked } from "./plan-workload.ts";
import { planOnOrgCapacity } from "./preview-plan.ts";
import { estimateBetweenChunks, secondsSinceCounts } from "./estimate-between-chunks.ts";
import { progressInRequests } from "./progress-in-requests.ts";
import { remainingWorkload, tokensPerRequest } from "./workload-inputs.ts";
import { forEachRunningWorkload } from "./for-each-running-workload.ts";
import { notifyAtRisk } from "./notify-at-risk.ts";
import { withWorkloadLock } from "./with-workload-lock.ts";
import { decisions, forecasts } from "@koi/core/metrics/koi-metrics";

/** Real seconds between two scale decisions of one workload (the sim's progress is in real time too). */
export const SCALE_COOLDOWN_SECONDS = 60;
const SAMPLES = 120;

export type TForecastOutcome = {
  workloadId: string;
  status: TFinishForecast["status"] | "skipped";
  action: "none" | "scale_up" | "scale_down" | "swap";
  wake?: string[];
};

/** The `forecast-workloads` sweep: every RUNNING batch workload, each in its own transaction. */
export function forecastWorkloads(now = new Date()): Promise<TForecastOutcome[]> {
  return forEachRunningWorkload("batch", (id) => forecastWorkload(id, now));
}

/**
 * Forecasts one workload from its live assignment's progress reports and the modelled rate:
 * a ForecastPoint, the workload's forecast and health; at risk → `scale_up`, or `swap` to other
 * pools when its own has no room to grow; far ahead → `scale_down` (one scale Command in flight
 * per workload, and a cooldown); turning AT_RISK → one `notify-org`.
 */
export async function forecastWorkload(workloadId: string, now = new Date()): Promise<TForecastOutcome> {
  return withWorkloadLock<TForecastOutcome>(workloadId, { planning: true }, async (tx, workload) => {
    if (!workload || workload.status !== "RUNNING" || workload.kind !== "batch" || !workload.deadlineAt)
      return { result: { workloadId, status: "skipped", action: "none" } };
    const result = await forecastLocked(tx, workload, now);
    return { result, wake: result.wake };
  });
}

async function forecastLocked(tx: Tx, workload: Workload, now: Date): Promise<TForecastOutcome> {
  const skipped: TForecastOutcome = { workloadId: workload.id, status: "skipped", action: "none" };
  const assignment = await tx.assignment.findFirst({
    where: { workloadId: workload.id, state: { notIn: [...GPU_FREE_ASSIGNMENT_STATES] } },
    orderBy: { createdAt: "desc" },
  });
  if (!assignment) return skipped;
  const placement = readPlacement(assignment);
  const submission = readSpec(workload);
  const perRequest = tokensPerRequest(submission);
  const reports = await tx.assignmentReport.findMany({
    where: { assignmentId: assignment.id, epoch: assignment.epoch },
    orderBy: { seq: "desc" },
    take: SAMPLES,
    select: { at: true, data: true },
  });
  const base = Math.max(0, workload.progressDone - assignment.progressDone);
  const total = workload.progressTotal;
  // Oldest first, so each report knows how long the engine has worked past its chunk count.
  const chrono = reports
    .map((r) => ({ t: r.at.getTime() / 1000, report: readReport(r) }))
    .filter((r) => r.report.progress && total > 0)
    .reverse();
  const since = secondsSinceCounts(chrono.map((r) => ({ t: r.t, count: r.report.progress!.completed })));
  const samples: TProgressSample[] = chrono
    .map(({ t, report }, i) => {
      const p = report.progress!;
      const counted = progressInRequests(p, assignment.progressTotal);
      const done =
        p.unit === "chunks" && p.total
          ? estimateBetweenChunks({
              countedRequests: counted,
              chunkRequests: assignment.progressTotal / p.total,
              secondsSinceCount: since[i]!,
              outputTokensPerSecond: report.throughput?.outputTokensPerSecond ?? 0,
              avgOutputTokens: submission.kind === "batch" ? submission.avgOutputTokens : 0,
            })
          : counted;
      return { t, completed: Math.min(total, base + done), total };
    })
    .reverse();
  if (samples.length === 0) return skipped;
  const lastScale = await tx.decision.findFirst({
    where: { workloadId: workload.id, kind: { in: ["scale_up", "scale_down", "swap"] } },
    orderBy: { createdAt: "desc" },
  });
  const perReplica = placement.predictedTps / perRequest;
  const scaled =
    lastScale && lastScale.createdAt > assignment.createdAt
      ? {
          at: lastScale.createdAt.getTime() / 1000,
          from: (lastScale.plan as { from?: number }).from ?? placement.replicas,
        }
      : null;
  // After a scale only newer samples count; until they speak, the model's rate for the new replica
  // count is corrected by the pace seen before (a job at 30% of the model stays at 30%).
  const modelledRate =
    perReplica * placement.replicas * (scaled ? paceBefore(samples, scaled.at, perReplica * scaled.from) : 1);
  const forecast = forecastFinish({
    samples,
    modelledRate,
    deadline: workload.deadlineAt!.getTime() / 1000,
    now: now.getTime() / 1000,
    ...(scaled ? { sinceT: scaled.at } : {}),
  });
  const iso = (s: number) => (Number.isFinite(s) ? new Date(s * 1000).toISOString() : null);
  const health = forecast.status === "at-risk" ? (now > workload.deadlineAt! ? "LATE" : "AT_RISK") : "ON_TRACK";
  forecasts.inc({ health: health.toLowerCase() });
  const last = samples[0]!;
  await tx.forecastPoint.create({
    data: {
      orgId: workload.orgId,
      workloadId: workload.id,
      at: now,
      completed: last.completed,
      total,
      p10: iso(forecast.finish.p10),
      p50: iso(forecast.finish.p50),
      p90: iso(forecast.finish.p90),
      missProbability: forecast.missProbability,
    },
  });
  await tx.workload.update({
    where: { id: workload.id },
    data: {
      health,
      forecast: {
        p10: iso(forecast.finish.p10),
        p50: iso(forecast.finish.p50),
        p90: iso(forecast.finish.p90),
        missProbability: forecast.missProbability,
        explanation: forecast.explanation,
      },
    },
  });
  if (health !== "ON_TRACK" && workload.health !== "AT_RISK" && workload.health !== "LATE") {
    await notifyAtRisk(
      tx,
      workload,
      `${workload.name} is at risk of missing its deadline: ${forecast.explanation}.`,
      `notify-slo_at_risk-${workload.id}`,
    );
  }
  const result: TForecastOutcome = { workloadId: workload.id, status: forecast.status, action: "none" };
  if (forecast.status !== "at-risk" && forecast.status !== "ahead") return result;
  if (lastScale && now.getTime() - lastScale.createdAt.getTime() < SCALE_COOLDOWN_SECONDS * 1000) return result;
  const inFlight = await tx.command.count({
    where: { assignmentId: assignment.id, type: "scale", status: { in: ["PENDING", "LEASED"] } },
  });
  if (inFlight) return result;

  const calibration = await loadOrgCalibration(workload.orgId, tx);
  if (placement.split) {
    // Added or removed replicas would be colocated ones, which a prefill/decode job cannot take
    // (the agent refuses to scale it): at risk, it moves as a whole; ahead, it runs as planned.
    if (forecast.status !== "at-risk") return result;
    const wake = await swapLocked(tx, workload, assignment, placement, forecast.explanation, now, calibration, {
      blocker: "a prefill/decode split cannot take added replicas",
    });
    return wake ? { ...result, action: "swap", wake } : result;
  }
  const org = await buildOrgCapacity(workload.orgId, { db: tx });
  const free = { pools: org.capacity.pools.filter((p) => p.id === placement.poolId) };
  const rec = await recommendAction({
    status: forecast.status,
    observedRate: forecast.rate.mean * perRequest,
    observedRateSd: forecast.rate.sd * perRequest,
    remainingTokens: forecast.remaining * perRequest,
    now: now.getTime() / 1000,
    deadline: workload.deadlineAt!.getTime() / 1000,
    job: {
      model: submission.model,
      avgInputTokens: submission.avgInputTokens,
      avgOutputTokens: submission.avgOutputTokens,
      ...(submission.priority ? { priority: submission.priority } : {}),
    },
    current: [
      {
        poolId: placement.poolId,
        gpuType: placement.gpuType,
        market: placement.market,
        tp: placement.tp,
        pp: placement.pp,
        count: placement.replicas,
        role: "both",
        tokensPerSecond: placement.predictedTps,
        pricePerHour: placement.replicaCostPerHour,
      },
    ],
    free,
    // Added replicas join the assignment's own group, so only its TP and PP degrees are offered.
    select: (w, c) =>
      selectGpus(w, c, { calibration, tpChoices: [placement.tp], ppChoices: [placement.pp], alternatives: 0 }),
    forecastLine: forecast.explanation,
  });
  let replicas = placement.replicas;
  if (rec.kind === "add")
    replicas += rec.replicas
      .filter((g) => g.poolId === placement.poolId && g.tp === placement.tp && (g.pp ?? 1) === placement.pp)
      .reduce((n, g) => n + g.count, 0);
  if (rec.kind === "remove")
    replicas = Math.max(
      1,
      replicas - rec.remove.filter((g) => g.poolId === placement.poolId).reduce((n, g) => n + g.count, 0),
    );
  if (rec.kind === "hold" || replicas === placement.replicas) {
    const noRoom = rec.kind === "hold" ? rec.noRoom === true : rec.kind === "add";
    if (!noRoom) return result;
    const wake = await swapLocked(tx, workload, assignment, placement, rec.explanation, now, calibration);
    return wake ? { ...result, action: "swap", wake } : result;
  }
  const kind = replicas > placement.replicas ? "scale_up" : "scale_down";
  const next: TPlacementRecord = { ...placement, replicas, gpus: replicas * placement.tp * placement.pp };
  await tx.decision.create({
    data: {
      orgId: workload.orgId,
      workloadId: workload.id,
      kind,
      reason: rec.explanation,
      alternatives: [],
      inputs: {
        at: now.toISOString(),
        forecast: forecast as unknown as Prisma.InputJsonValue,
        samples: samples.length,
        free: free as unknown as Prisma.InputJsonValue,
        assignmentId: assignment.id,
      },
      plan: { from: placement.replicas, to: replicas, placement: next } as unknown as Prisma.InputJsonValue,
    },
  });
  decisions.inc({ kind: kind });
  await writeCommand(tx, {
    orgId: workload.orgId,
    assignmentId: assignment.id,
    type: "scale",
    payload: { count: replicas },
  });
  await tx.assignment.update({
    where: { id: assignment.id },
    data: { placement: next as unknown as Prisma.InputJsonValue },
  });
  // The header keeps this line while later forecasts move on: dated, it reads as what happened then.
  const detail = `${kind === "scale_up" ? "Scaled up" : "Scaled down"} from ${placement.replicas} to ${replicas} replicas at ${utcClock(now)}; forecast then: ${rec.explanation}`;
  await tx.workload.update({ where: { id: workload.id }, data: { statusDetail: detail.slice(0, 1000) } });
  return { ...result, action: kind, wake: [assignment.agentId] };
}

/**
 * At risk with no room to grow where it runs (or, for a prefill/decode split, no way to grow at
 * all): when the org's other pools can finish what is left by the deadline, the running job is fenced and stopped and the remainder is placed there (a
 * `swap` Decision). Returns the agents to wake, or null when no other pool can do it.
 */
async function swapLocked(
  tx: Tx,
  workload: Workload,
  assignment: Assignment,
  placement: TPlacementRecord,
  why: string,
  now: Date,
  calibration: TCalibrationTable,
  opts: { blocker?: string } = {},
): Promise<string[] | null> {
  const submission = readSpec(workload);
  const elsewhere = await planOnOrgCapacity(workload.orgId, submission, remainingWorkload(workload, now), tx, {
    poolIds: [placement.poolId],
    forWorkloadId: workload.id,
    calibration,
  });
  if (!elsewhere.plan.feasible) return null;
  const fenced = await tx.assignment.update({
    where: { id: assignment.id },
    data: { epoch: { increment: 1 }, state: "lost" },
  });
  await writeCommand(tx, { orgId: workload.orgId, assignmentId: assignment.id, type: "stop", payload: {} });
  const outcome = await planLocked(tx, workload, {
    kind: "swap",
    now,
    excludePoolIds: [placement.poolId],
    calibration,
    why: `${why} → ${opts.blocker ?? `no free GPUs to add on ${placement.gpuType} (${placement.market})`}; moving the rest.`,
    inputs: { reason: why, swappedAssignmentId: assignment.id, fencedEpoch: fenced.epoch },
  });
  // Same locks, same capacity as the check above: the plan dispatches. Anything else rolls back.
  if (outcome.outcome !== "dispatched")
    throw new Error(`swap of ${workload.id} planned ${outcome.outcome} after a feasible check`);
  await tx.workload.update({
    where: { id: workload.id },
    data: { statusDetail: `Swapped GPUs at ${utcClock(now)}; forecast then: ${why}`.slice(0, 1000) },
  });
  return [assignment.agentId, outcome.agentId];
}

/** Observed ÷ modelled rate over the samples before `t` (1 when they show no progress). */
function paceBefore(samples: TProgressSample[], t: number, modelledRate: number): number {
  const observed = estimateRate({ samples: samples.filter((s) => s.t < t), modelledRate }).observed;
  return observed && modelledRate > 0 ? Math.min(2, Math.max(0.01, observed.mean / modelledRate)) : 1;
}

/** "14:05 UTC": when an action happened, for the status line that outlives it. */
function utcClock(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC`;
}
