import { resolveOrcaInstance, type TOrcaInstanceSpec } from "@koi/contracts";
import type { OrcaEngine } from "./orca-engine.ts";
import { freeCapacity, reserve } from "./orca-capacity.ts";
import { failedIdentity, LAUNCH_MESSAGES, launchIdentity, startedPayload } from "./orca-payloads.ts";
import { replicaPerf } from "./replica-perf.ts";
import { TERMINAL_PHASES, type TJob, type TLaunchConfig, type TReplica, type TReplicaRole } from "./orca-state.ts";

/*
 * A replica's launch, per ENGINE_CONTRACTS A.4: heartbeat every 45 s while launching, walk the
 * configs (primary, then Koi's alternatives) until one gets capacity, cluster up → config-attempted
 * + launching, model load → started (or startup_oom), then hand over to the engine's serving loop.
 */

const HEARTBEAT_SECONDS = 45;
const WATCHDOG_SECONDS = 45;
const round = (x: number, dp: number) => Math.round(x * 10 ** dp) / 10 ** dp;

export function startReplica(
  e: OrcaEngine,
  job: TJob,
  id: string,
  configs: TLaunchConfig[],
  sloClockStart: number,
  isScaled: boolean,
  role: TReplicaRole = "both",
): TReplica {
  const replica: TReplica = {
    id,
    jobId: job.id,
    role,
    configs,
    attempt: 0,
    instanceType: "unknown",
    gpusPerInstance: 1,
    gpuMemoryGb: 0,
    nodes: 1,
    region: null,
    market: null,
    phase: "launching",
    launchPhase: "searching_capacity",
    launchStartedAt: e.now,
    sloClockStart,
    perf: null,
    current: null,
    timers: [],
    random: e.random.fork(`replica:${id}`),
    hasMetrics: false,
    counters: { generation: 0, prompt: 0, requests: 0 },
    lastSnapshot: null,
    isScaled,
  };
  job.replicas.set(id, replica);
  attempt(e, job, replica, 0);
  return replica;
}

export function attempt(e: OrcaEngine, job: TJob, r: TReplica, index: number): void {
  if (index >= r.configs.length) return launchExhausted(e, job, r);
  const config = r.configs[index]!;
  const instance = resolveOrcaInstance(config.gpuType, config.tp) as TOrcaInstanceSpec;
  Object.assign(r, {
    attempt: index,
    instanceType: instance.instanceType,
    gpusPerInstance: instance.gpus,
    gpuMemoryGb: instance.gpuMemoryGb,
    nodes: machinesOf(config, instance.gpus, r.isScaled ? "scale" : index === 0 ? "primary" : "alternative"),
    region: null,
    market: null,
    launchPhase: "searching_capacity",
  });
  heartbeatLoop(e, job, r, index);

  const o = e.config;
  const search = r.random.uniform(o.searchSeconds[0], o.searchSeconds[1]);
  const cluster = freeCapacity(e, config, instance, r.nodes);
  const noCapacity = cluster !== null && r.random.next() < o.launchFailureRate;
  if (cluster === null || noCapacity) {
    const reason =
      cluster === null
        ? `VcpuLimitExceeded: You have requested more vCPU capacity than your current vCPU limit allows for the instance bucket of ${instance.instanceType} (quota)`
        : `InsufficientInstanceCapacity: We currently do not have sufficient ${instance.instanceType} capacity in the Availability Zone you requested`;
    e.at(search, () => attemptFailed(e, job, r, index, reason, cluster === null ? "quota" : "no_capacity"), r);
    return;
  }
  reserve(e, r, job, cluster, config, instance);
  const provision = r.random.uniform(o.provisionSeconds[0], o.provisionSeconds[1]);
  e.at(Math.min(search, provision), () => (r.launchPhase = "provisioning"), r);
  e.at(
    provision * 0.8,
    () => {
      r.launchPhase = "bootstrapping";
      r.region = cluster.region;
      r.market = config.market;
    },
    r,
  );
  e.at(provision, () => clusterUp(e, job, r, index, provision), r);
}

/**
 * Machines Orca's server.py launches for one replica, each the instance resolved for its TP: at
 * submit it packs pipeline stages into machines (`ceil(pp ÷ (GPUs ÷ tp))`), Koi's alternatives take
 * `max(1, tp·pp ÷ GPUs)`, and scale and swap (`_do_scale`) launch `num_instances = pp_size`, one
 * machine per stage however many GPUs each has.
 */
export function machinesOf(
  config: { tp: number; pp: number },
  gpusPerInstance: number,
  path: "primary" | "alternative" | "scale",
): number {
  if (path === "scale") return config.pp;
  if (path === "alternative") return Math.max(1, Math.floor((config.tp * config.pp) / gpusPerInstance));
  return Math.ceil(config.pp / Math.max(1, Math.floor(gpusPerInstance / config.tp)));
}

export function heartbeatLoop(e: OrcaEngine, job: TJob, r: TReplica, index: number): void {
  const beat = () => {
    if (r.attempt !== index || (r.phase !== "launching" && r.phase !== "provisioned")) return;
    e.outbox.emit("/job/launch-heartbeat", {
      ...launchIdentity(job, r),
      region: r.region ?? "unknown",
      market: r.market ?? "unknown",
      attempt_index: index,
      phase: r.launchPhase,
      message: LAUNCH_MESSAGES[r.launchPhase],
      timestamp: e.now,
    });
    e.at(HEARTBEAT_SECONDS, beat, r);
  };
  beat();
}

export function attemptFailed(
  e: OrcaEngine,
  job: TJob,
  r: TReplica,
  index: number,
  reason: string,
  category: string,
): void {
  const config = r.configs[index]!;
  e.outbox.emit("/job/config-attempted", {
    job_id: job.id,
    decision_id: job.decisionId,
    instance_type: r.instanceType,
    gpu_type: config.gpuType,
    region: "unknown",
    market: config.market,
    launched: false,
    failure_reason: reason.slice(0, 500),
    time_to_launch: 0,
    attempt_index: index,
  });
  job.configsTried.push({
    gpu_type: config.gpuType,
    instance_type: r.instanceType,
    region: "unknown",
    market: config.market,
    reason: reason.slice(0, 500),
    failure_category: category,
  });
  attempt(e, job, r, index + 1);
}

export function launchExhausted(e: OrcaEngine, job: TJob, r: TReplica): void {
  e.endReplica(job, r, "failed");
  const all = [...job.replicas.values()];
  if (all.every((x) => TERMINAL_PHASES.includes(x.phase)) && !all.some((x) => x.phase === "completed")) {
    if (job.launchFailedEmitted) return;
    job.launchFailedEmitted = true;
    job.status = "failed";
    job.updatedAt = e.now;
    e.outbox.emit(
      "/job/launch-failed",
      {
        job_id: job.id,
        decision_id: job.decisionId,
        configs_tried: job.configsTried,
        failure_reasons: job.configsTried.map((c) => c.reason),
        total_time_seconds: round(e.now - job.deployedAt, 2),
      },
      `launch_failed:${job.id}`,
    );
    return;
  }
  // (code reading, A.4) the watchdog later finds the replica in phase failed.
  e.at(WATCHDOG_SECONDS, () => e.watchdogFailed(job, r));
}

export function clusterUp(e: OrcaEngine, job: TJob, r: TReplica, index: number, provisionSeconds: number): void {
  const config = r.configs[index]!;
  r.phase = "provisioned";
  r.launchPhase = "waiting_model_ready";
  r.region = r.region ?? "unknown";
  r.market = config.market;
  e.outbox.emit("/job/config-attempted", {
    job_id: job.id,
    decision_id: job.decisionId,
    instance_type: r.instanceType,
    gpu_type: config.gpuType,
    region: r.region,
    market: config.market,
    launched: true,
    failure_reason: "",
    time_to_launch: round(provisionSeconds, 2),
    attempt_index: index,
  });
  e.outbox.emit(
    "/job/launching",
    { ...launchIdentity(job, r), region: r.region, market: config.market, attempt_index: index },
    `job_launching:${r.id}:${index}`,
  );
  // Real Orca stores each runner's phase as the job's status (server.py, update_job_phase): a replica
  // that loads its model sets loading_model while its siblings generate.
  if (!["succeeded", "failed"].includes(job.status)) job.status = "loading_model";
  job.updatedAt = e.now;
  r.perf = replicaPerf({
    model: job.model,
    orcaGpu: config.gpuType,
    gpuMemoryGb: r.gpuMemoryGb,
    tp: config.tp,
    pp: config.pp,
    avgIn: job.avgIn,
    avgOut: job.avgOut,
    random: r.random,
    noise: e.config.throughputNoise,
    role: r.role,
  });
  const slow = e.config.throughputFactor;
  if (slow !== 1)
    r.perf = {
      ...r.perf,
      tps: r.perf.tps * slow,
      outputTps: r.perf.outputTps * slow,
      requestsPerSecond: r.perf.requestsPerSecond * slow,
      ttftMs: r.perf.ttftMs / slow,
      tpotMs: r.perf.tpotMs / slow,
    };
  const load = r.random.uniform(e.config.modelLoadSeconds[0], e.config.modelLoadSeconds[1]);
  e.at(load, () => modelReady(e, job, r), r);
}

export function modelReady(e: OrcaEngine, job: TJob, r: TReplica): void {
  if (!r.perf?.fits) {
    e.endReplica(job, r, "failed");
    e.outbox.emit(
      "/job/replica-failed",
      {
        ...failedIdentity(job, r),
        reason: "startup_failed: CUDA out of memory during startup",
        reason_code: "startup_oom",
        reason_detail: (r.perf?.reason ?? "model does not fit").slice(0, 500),
      },
      `replica_failed:${r.id}`,
    );
    return;
  }
  r.phase = "running";
  r.hasMetrics = true;
  if (!["succeeded", "failed"].includes(job.status)) job.status = "generating";
  job.updatedAt = e.now;
  e.outbox.emit("/job/started", startedPayload(job, r, e.now), `job_started:${r.id}`);
  e.beginServing(job, r);
}
