import { GPU_FREE_ASSIGNMENT_STATES, ZTensorParallel } from "@koi/contracts/primitives";
import type { TTunaScalingPolicyWire } from "@koi/contracts/tuna/scaling-policy";
import type { TDecisionKind } from "@koi/contracts/workloads/workloads";
import {
  forecastLoad,
  planOnlineCapacity,
  toOnlineDecisionRow,
  type TOnlineScalingState,
  type TVmPool,
} from "@koi/planner";
import type { Prisma, Tx, Workload } from "@koi/db";
import { writeCommand } from "../agents/issue-command.ts";
import { readPlacement, readSpec, type TPlacementRecord } from "../workloads/read-stored-json.ts";
import { notifyAtRisk } from "../workloads/notify-at-risk.ts";
import { forEachRunningWorkload } from "../workloads/for-each-running-workload.ts";
import { withWorkloadLock } from "../workloads/with-workload-lock.ts";
import { judgeSlo } from "./judge-slo.ts";
import { learnSpeed } from "./learn-speed.ts";
import { readOnlineScaling, type TOnlineScaling } from "./online-scaling.ts";
import { onlineCapacity } from "./online-capacity.ts";
import { describeRefusedMoves, keepRefusedMoves, pausedMoves } from "./refused-moves.ts";
import { servingVariant } from "./serving-variant.ts";

const DAY = 86_400;
/** History the forecast fits (a week and a day: the weekly shape plus the last day). */
const HISTORY_SECONDS = 8 * DAY;
const MAX_SAMPLES = 20_000;
/**
 * Speed assumed for a variant that has not run yet: the P10 of the model's own error (σ ≈ 0.12,
 * docs/planner.md), so an untried GPU is not preferred merely for being unmeasured.
 */
const UNMEASURED_SPEED = Math.exp(-1.2815515655446004 * 0.12);

export type TOnlineOutcome = {
  workloadId: string;
  outcome: "decided" | "unchanged" | "skipped";
  kind?: TDecisionKind;
  health?: "ON_TRACK" | "AT_RISK";
  wake?: string[];
};

/** The online sweep: every RUNNING online service with a report since its last plan. */
export function planOnlineServices(now = new Date()): Promise<TOnlineOutcome[]> {
  return forEachRunningWorkload("online", (id) => planOnlineService(id, now));
}

/**
 * One online service's capacity decision: its load forecast from the stored samples (the
 * submitted rate before any), the planner's Tuna scaling policy at the SLO, and — only when the
 * policy changes — a Decision with the reason and alternatives plus a `set_scaling` command. The
 * SLO health is judged every time; turning AT_RISK notifies like a batch job at risk. Runs once
 * per new sample (a re-run with nothing new is a no-op), so it is safe to run twice.
 */
export async function planOnlineService(workloadId: string, now = new Date()): Promise<TOnlineOutcome> {
  return withWorkloadLock<TOnlineOutcome>(workloadId, { planning: true }, async (tx, workload) => {
    if (!workload || workload.status !== "RUNNING" || workload.kind !== "online")
      return { result: { workloadId, outcome: "skipped" } };
    const result = await planLocked(tx, workload, now);
    return { result, wake: result.wake };
  });
}

async function planLocked(tx: Tx, workload: Workload, now: Date): Promise<TOnlineOutcome> {
  const skipped: TOnlineOutcome = { workloadId: workload.id, outcome: "skipped" };
  const spec = readSpec(workload);
  if (spec.kind !== "online") return skipped;
  const assignment = await tx.assignment.findFirst({
    where: { workloadId: workload.id, state: { notIn: [...GPU_FREE_ASSIGNMENT_STATES] } },
    orderBy: { createdAt: "desc" },
  });
  if (!assignment || assignment.state !== "running") return skipped;
  const prev = readOnlineScaling(workload);
  const latest = await tx.onlineSample.findFirst({ where: { workloadId: workload.id }, orderBy: { engineAt: "desc" } });
  if (prev && (!latest || prev.lastSampleAt === latest.engineAt.toISOString()))
    return { workloadId: workload.id, outcome: "unchanged", health: prev.health.status };

  const engineNow = (latest?.engineAt ?? now).getTime() / 1000;
  const rows = (
    await tx.onlineSample.findMany({
      where: { workloadId: workload.id, engineAt: { gt: new Date((engineNow - HISTORY_SECONDS) * 1000) } },
      orderBy: { engineAt: "desc" },
      take: MAX_SAMPLES,
    })
  ).reverse();
  const forecast = forecastLoad({
    samples: rows.map((r) => ({ t: r.engineAt.getTime() / 1000, rps: r.requestsPerSecond })),
    now: engineNow,
    expectedRps: spec.requestsPerSecond,
  });
  const placement = readPlacement(assignment);
  const { pools, serverless, spotGpu, currentReplicas } = await onlineCapacity(
    tx,
    workload.orgId,
    assignment.agentId,
    placement,
    latest?.spotReplicas ?? (prev?.state?.replicas as number | undefined) ?? 0,
  );
  const service = {
    model: spec.model,
    ...(spec.precision ? { precision: spec.precision } : {}),
    avgInputTokens: spec.avgInputTokens,
    avgOutputTokens: spec.avgOutputTokens,
    ttftP95Ms: spec.ttftP95Ms,
    tpotP95Ms: spec.tpotP95Ms,
  };
  const served = await servingVariant(tx, {
    assignmentId: assignment.id,
    state: (prev?.state ?? undefined) as TOnlineScalingState | undefined,
    servedBy: latest,
    pools,
    clockRate: prev?.clockRate ?? 1,
    now,
  });
  const state = served.state;
  if (served.movedBackTo)
    await moveTo(tx, assignment.id, placement, served.movedBackTo, state!.variant!.tp, placement.replicas);
  const refusedMoves = keepRefusedMoves(prev?.refusedMoves ?? [], served.abandoned, engineNow);
  const refusedNote = describeRefusedMoves(refusedMoves, pools, engineNow);
  const paused = pausedMoves(refusedMoves, engineNow);
  // The service serving stays a choice whatever happened to an earlier move to it.
  const candidatePools = pools.filter((p) => p.id === state?.variant?.poolId || !paused.some((m) => m.poolId === p.id));
  const speed = learnSpeed(
    rows,
    {
      model: spec.model,
      // Samples that name no service came from the one Koi placed the service on (or, placed on
      // serverless, the agent's spot service).
      gpu:
        state?.variant?.gpuType ?? (placement.market === "spot" ? placement.gpuType : (spotGpu ?? placement.gpuType)),
      tp: state?.variant?.tp ?? placement.tp,
      inputTokens: spec.avgInputTokens,
      outputTokens: spec.avgOutputTokens,
    },
    // A Tuna spot service runs one replica size: its pool's.
    (gpu) => pools.find((p) => p.gpuType === gpu && p.market !== "serverless")?.replicaSizes?.[0] ?? placement.tp,
  );
  const plan = planOnlineCapacity({
    service,
    forecast,
    ...(latest ? { currentRps: latest.requestsPerSecond } : {}),
    pools: candidatePools,
    serverless,
    now: engineNow,
    ...(state ? { state } : {}),
    currentReplicas,
    speed: speed.table,
    speedSd: speed.logSd,
    unmeasuredSpeed: UNMEASURED_SPEED,
  });

  const policy = stabilisePolicy(plan.tuna, plan.kind, prev?.policy ?? null);
  // A move to another spot service is a command even when its policy reads the same.
  const moved = (plan.variant?.poolId ?? null) !== (state?.variant?.poolId ?? null);
  const changed = moved || JSON.stringify(policy) !== JSON.stringify(prev?.policy ?? null);
  const wake: string[] = [];
  let kind: TDecisionKind | undefined;
  if (changed) {
    kind = decisionKind(plan.kind, plan.feasible, policy, prev?.policy ?? null);
    const row = toOnlineDecisionRow(plan, forecast);
    const decision = await tx.decision.create({
      data: {
        orgId: workload.orgId,
        workloadId: workload.id,
        kind,
        reason: `${row.reason}${refusedNote}`,
        alternatives: row.alternatives as Prisma.InputJsonValue,
        inputs: { ...row.inputs, assignmentId: assignment.id, samples: rows.length } as Prisma.InputJsonValue,
        plan: {
          ...row.plan,
          policy,
          from: prev?.policy ?? null,
          summary: describeOnlinePolicy(policy, plan.variant?.gpuType ?? null, plan.serverless?.gpuType ?? null),
        } as Prisma.InputJsonValue,
      },
    });
    // Koi's view of the GPUs the service holds: what SkyServe may run under the new policy, on the
    // spot service it is for (another one when the service moves to another GPU type).
    const variant = plan.variant;
    const pool = variant && pools.find((p) => p.id === variant.poolId);
    if (variant && pool)
      await moveTo(tx, assignment.id, placement, pool, variant.tp, Math.max(1, policy.spot.max_replicas));
    // Only an agent with more than one spot service takes `variant` (older agents refuse unknown
    // keys), and only for a replica size the protocol can say.
    const tp = ZTensorParallel.safeParse(variant?.tp);
    const named = variant && tp.success && pools.filter((p) => p.market === "spot").length > 1;
    await writeCommand(tx, {
      orgId: workload.orgId,
      assignmentId: assignment.id,
      type: "set_scaling",
      payload: {
        policy,
        decisionId: decision.id,
        ...(named ? { variant: { poolId: variant.poolId, gpuType: variant.gpuType, tp: tp.data } } : {}),
      },
    });
    wake.push(assignment.agentId);
  }

  const provisionedRps =
    plan.spot.ratePerReplica * policy.spot.max_replicas +
    (plan.serverless ? plan.serverless.ratePerWorker * policy.serverless.workers_max : 0);
  const health = judgeSlo({
    samples: rows
      .slice(-60)
      .map((r) => ({ t: r.engineAt.getTime() / 1000, ttftP95Ms: r.ttftP95Ms, tpotP95Ms: r.tpotP95Ms })),
    targets: { ttftP95Ms: spec.ttftP95Ms, tpotP95Ms: spec.tpotP95Ms },
    now: engineNow,
    forecastP90: forecast.points[0]?.p90 ?? null,
    provisionedRps,
    feasible: plan.feasible,
    binding: plan.binding?.detail ?? null,
  });
  const clockRate = engineClockRate(rows.slice(-20));
  const toReal = (t: number): string =>
    new Date((latest?.at ?? now).getTime() + ((t - engineNow) * 1000) / clockRate).toISOString();
  const scaling: TOnlineScaling = {
    state: plan.state as TOnlineScaling["state"],
    policy,
    plannedAt: now.toISOString(),
    lastSampleAt: latest?.engineAt.toISOString() ?? null,
    clockRate,
    refusedMoves,
    forecast: {
      basis: forecast.basis,
      explanation: forecast.explanation,
      points: forecast.points.map((p) => ({
        start: toReal(p.start),
        end: toReal(p.end),
        p10: p.p10,
        p50: p.p50,
        p90: p.p90,
      })),
    },
    health: {
      status: health.status,
      reasons: health.reasons,
      breachSince: health.breachSince === null ? null : new Date(health.breachSince * 1000).toISOString(),
    },
    plan: {
      feasible: plan.feasible,
      costPerHour: plan.costPerHour,
      ratePerReplica: plan.spot.ratePerReplica,
      gpuType: plan.variant?.gpuType ?? null,
      predictedLatency: finiteLatency(plan.predictedLatency),
      binding: plan.binding?.detail ?? null,
    },
  };
  await tx.workload.update({
    where: { id: workload.id },
    data: {
      scaling: scaling as unknown as Prisma.InputJsonValue,
      // The workload's planned cost is set at dispatch; a service's plan changes after that, and
      // the pages showing it must agree with the plan the service page charts.
      predictedCostUsd: plan.costPerHour,
      health: health.status,
      ...(kind
        ? {
            statusDetail: `${plan.reason.slice(0, Math.max(0, 1000 - refusedNote.length))}${refusedNote}`.slice(
              0,
              1000,
            ),
          }
        : {}),
    },
  });
  if (health.status === "AT_RISK" && workload.health !== "AT_RISK") {
    const hour = Math.floor(now.getTime() / 3_600_000);
    await notifyAtRisk(
      tx,
      workload,
      `${workload.name} is at risk of missing its latency SLO: ${health.reasons.join("; ")}.`.slice(0, 2000),
      // At most one alert an hour per service: a flapping SLO does not flood the inbox.
      `notify-slo_at_risk-${workload.id}-${hour}`,
    );
  }
  return {
    workloadId: workload.id,
    outcome: changed ? "decided" : "unchanged",
    ...(kind ? { kind } : {}),
    health: health.status,
    wake,
  };
}

/**
 * Koi's view of the GPUs the service holds: `replicas` on `pool` (another spot service when the
 * service moves to another GPU type).
 */
async function moveTo(
  tx: Tx,
  assignmentId: string,
  placement: TPlacementRecord,
  pool: TVmPool,
  tp: number,
  replicas: number,
): Promise<void> {
  const on =
    pool.id === placement.poolId
      ? {}
      : {
          poolId: pool.id,
          gpuType: pool.gpuType,
          market: pool.market,
          tp,
          pp: 1,
          replicaCostPerHour: (pool.pricePerGpuHour ?? 0) * tp,
        };
  await tx.assignment.update({
    where: { id: assignmentId },
    data: { placement: { ...placement, ...on, replicas, gpus: replicas * tp } as Prisma.InputJsonValue },
  });
}

/** A serverless concurrency within this fraction of the one in force is not worth a command. */
const CONCURRENCY_TOLERANCE = 0.25;

/**
 * The policy to send, damped so that noise in the speed estimate and the forecast's horizon does
 * not become a command every minute: while the planner holds the replicas a lower ceiling is kept
 * (SkyServe only uses the headroom under a surprise; a higher one applies at once), and a small
 * change of serverless concurrency keeps the one in force.
 */
export function stabilisePolicy(
  next: TTunaScalingPolicyWire,
  kind: string,
  prev: TTunaScalingPolicyWire | null,
): TTunaScalingPolicyWire {
  if (!prev) return next;
  const hold = kind === "hold";
  const near =
    Math.abs(next.serverless.concurrency - prev.serverless.concurrency) <=
    CONCURRENCY_TOLERANCE * prev.serverless.concurrency;
  return {
    spot: {
      ...next.spot,
      max_replicas: hold ? Math.max(next.spot.max_replicas, prev.spot.max_replicas) : next.spot.max_replicas,
    },
    serverless: {
      ...next.serverless,
      concurrency: near ? prev.serverless.concurrency : next.serverless.concurrency,
      workers_max: hold
        ? Math.max(next.serverless.workers_max, prev.serverless.workers_max)
        : next.serverless.workers_max,
    },
  };
}

/**
 * The Decision's kind: the planner's, or for a policy change it called a hold, the direction of
 * capacity. A policy that keeps every replica and worker count (only the rate per replica or a
 * delay moved) is a replan: calling it a scale would claim capacity that did not change.
 */
export function decisionKind(
  planned: string,
  feasible: boolean,
  policy: TTunaScalingPolicyWire,
  prev: TTunaScalingPolicyWire | null,
): TDecisionKind {
  if (!feasible) return "slo_unreachable";
  if (planned === "initial" || planned === "swap") return planned;
  if (!prev) return planned === "scale_up" || planned === "scale_down" ? planned : "initial";
  const order: [number, number][] = [
    [policy.spot.min_replicas, prev.spot.min_replicas],
    [policy.spot.max_replicas, prev.spot.max_replicas],
    [policy.serverless.workers_max, prev.serverless.workers_max],
    [policy.serverless.concurrency, prev.serverless.concurrency],
  ];
  const changed = order.find(([a, b]) => a !== b);
  if (!changed) return "replan";
  if (planned === "scale_up" || planned === "scale_down") return planned;
  return changed[0] < changed[1] ? "scale_down" : "scale_up";
}

/** Engine seconds per real second over the samples (a simulator may run faster than real time). */
function engineClockRate(rows: readonly { at: Date; engineAt: Date }[]): number {
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last || last.at.getTime() - first.at.getTime() < 1000) return 1;
  return Math.max(
    0.01,
    (last.engineAt.getTime() - first.engineAt.getTime()) / (last.at.getTime() - first.at.getTime()),
  );
}

function finiteLatency(l: { ttftP95Ms: number; tpotP95Ms: number }) {
  const f = (x: number) => (Number.isFinite(x) ? x : null);
  return { ttftP95Ms: f(l.ttftP95Ms), tpotP95Ms: f(l.tpotP95Ms) };
}

/** One line for the decision timeline: what Tuna is told to keep. */
function describeOnlinePolicy(p: TTunaScalingPolicyWire, spotGpu: string | null, serverlessGpu: string | null): string {
  const spot =
    spotGpu && p.spot.max_replicas > 0
      ? `spot ${p.spot.min_replicas}–${p.spot.max_replicas} × ${spotGpu} at ${p.spot.target_qps} req/s each`
      : "no spot replicas";
  const serverless = serverlessGpu
    ? `serverless ${serverlessGpu} ${p.serverless.workers_min}–${p.serverless.workers_max} workers × ${p.serverless.concurrency} in flight`
    : "no serverless";
  return `${spot}; ${serverless}`;
}
