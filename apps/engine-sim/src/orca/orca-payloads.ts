import type { TJob, TLaunchPhase, TReplica } from "./orca-state.ts";

/** Webhook payload pieces, field for field as ENGINE_CONTRACTS A.5 lists them. */

export const LAUNCH_MESSAGES: Record<TLaunchPhase, string> = {
  searching_capacity: "Searching for capacity",
  provisioning: "Provisioning cluster",
  bootstrapping: "Cluster provisioned, bootstrapping runtime",
  waiting_model_ready: "Replica provisioned, waiting for model_ready",
};

/** Shared by launch-heartbeat and launching: the replica id as job_id, the parent as group_id. */
export function launchIdentity(job: TJob, r: TReplica): Record<string, unknown> {
  const config = r.configs[r.attempt]!;
  return {
    job_id: r.id,
    decision_id: job.decisionId,
    group_id: job.id,
    gpu_type: config.gpuType,
    instance_type: r.instanceType,
    tp: config.tp,
    pp: config.pp,
  };
}

export function failedIdentity(job: TJob, r: TReplica): Record<string, unknown> {
  return {
    job_id: r.id,
    replica_id: r.id,
    group_id: job.id,
    decision_id: job.decisionId,
    instance_type: r.instanceType,
    region: r.region ?? "unknown",
    market: r.market ?? "unknown",
    status: "failed",
  };
}

/** Chunked-path `/job/started`; the SLO left is counted from the replica's own clock start, floored at 0.1 h. */
export function startedPayload(job: TJob, r: TReplica, now: number): Record<string, unknown> {
  const config = r.configs[r.attempt]!;
  const hoursSinceStart = (now - r.sloClockStart) / 3600;
  return {
    job_id: r.id,
    replica_id: r.id,
    group_id: job.id,
    decision_id: job.decisionId,
    gpu_type: config.gpuType,
    instance_type: r.instanceType,
    region: r.region ?? "unknown",
    market: r.market ?? "unknown",
    tp: config.tp,
    pp: config.pp,
    dp: 1,
    slo_deadline_hours: Math.max(0.1, Math.round((job.sloHours - hoursSinceStart) * 10_000) / 10_000),
    total_tokens: job.numLines * (job.avgIn + job.avgOut),
    predicted_tps: job.predictedTps,
    is_fallback: r.attempt > 0,
  };
}
