import { findModel, UnknownNameError } from "@koi/planner";
import type { TRandom } from "@koi/planner/random/seeded-random";
import { normalizeOrcaGpuName, resolveOrcaInstance, type TOrcaBatchedRequest, type TOrcaInstanceSpec } from "@koi/contracts";
import { TimerQueue, type TTimer } from "../timer-queue.ts";
import type { TOrcaSimConfig } from "../config.ts";
import type { TOrcaOutbox } from "./orca-outbox.ts";
import { replicaPerf } from "./replica-perf.ts";
import { completeMetrics, retireSnapshot } from "./orca-metrics.ts";
import { freeCapacity, reserve, release } from "./orca-capacity.ts";
import { TERMINAL_PHASES, type TChunk, type TJob, type TLaunchConfig, type TOrcaMarket, type TReplica, type TReservation } from "./orca-state.ts";

const HEARTBEAT_SECONDS = 45;
const WATCHDOG_SECONDS = 45;
const CHUNK_LEASE_TTL_SECONDS = 600;
const CHUNK_RECLAIM_EVERY_SECONDS = 60;
const CHUNK_MAX_RETRIES = 3;
const ASSEMBLY_SECONDS = 30;
const SWAP_TIMEOUT_SECONDS = 30 * 60;

export class OrcaApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === "string" ? body : JSON.stringify(body));
  }
}

const round = (x: number, dp: number) => Math.round(x * 10 ** dp) / 10 ** dp;

/** `mo-<family><size>-<4 hex>`, e.g. Qwen/Qwen2.5-72B-Instruct → mo-qwen72b-a3f7 (A.4). */
export function orcaJobIdPrefix(model: string): string {
  const last = model.split("/").pop() ?? model;
  const family = (/^[A-Za-z]+/.exec(last)?.[0] ?? "model").toLowerCase().slice(0, 8);
  const sizes = [...last.matchAll(/-(\d+(?:\.\d+)?)[Bb](?=$|[-_])/g)];
  const size = sizes.length > 0 ? `${sizes[sizes.length - 1]![1]}b` : "";
  return `mo-${family}${size}`;
}

/**
 * The simulated Orca server: chunked jobs whose replicas launch, load, pull chunks, get preempted
 * or crash and emit Orca's webhooks, on a discrete-event clock. Durations and failures are drawn
 * from per-replica forks of the seeded RNG, throughput comes from the planner's roofline model.
 */
export class OrcaEngine {
  now: number;
  readonly jobs = new Map<string, TJob>();
  readonly reservations: TReservation[] = [];
  private readonly timers = new TimerQueue();
  private readonly jobIds: TRandom;

  constructor(
    readonly config: TOrcaSimConfig,
    private readonly random: TRandom,
    readonly outbox: TOrcaOutbox,
    startAt: number,
  ) {
    this.now = startAt;
    this.jobIds = random.fork("job-ids");
  }

  advanceTo(t: number): void {
    this.timers.runUntil(t, (at) => (this.now = at));
    if (t > this.now) this.now = t;
  }

  private at(delaySeconds: number, run: () => void, owner?: TReplica): TTimer {
    const timer = this.timers.schedule(this.now + delaySeconds, run);
    owner?.timers.push(timer);
    return timer;
  }

  // ---- submit ----------------------------------------------------------------------------

  submit(req: TOrcaBatchedRequest): Record<string, unknown> {
    const solver = req.placement_solver ?? "roofline";
    if (solver === "llm") return { status: "error", error_type: "invalid_solver", message: "placement_solver 'llm' is only available in /test/placement" };
    if (!req.model_name) return { status: "error", error_type: "invalid_placement", message: "engine-sim needs model_name" };
    if (!req.chunks || req.chunks.length === 0) return { status: "error", message: "engine-sim simulates chunked jobs only (send chunks)" };
    if (!req.num_lines || !req.avg_input_tokens) return { status: "error", message: "engine-sim cannot read input_file: send num_lines and avg_input_tokens" };
    const avgIn = req.avg_input_tokens;
    const avgOut = req.avg_output_tokens ?? 256;
    const market: TOrcaMarket = req.planned_market ?? req.preferred_market ?? ((req.prefer_spot ?? true) ? "spot" : "on_demand");

    const primary = solver === "user_specified" ? { gpuType: normalizeOrcaGpuName(req.gpu_type!), tp: req.tp_size ?? 1, pp: req.pp_size ?? 1, market } : this.rooflinePlacement(req.model_name, avgIn, avgOut, market);
    if (!primary) return { status: "error", error_type: "invalid_placement", message: "no GPU in the simulated clusters fits this model" };
    const instance = resolveOrcaInstance(primary.gpuType, primary.tp);
    if (!instance) return { status: "error", error_type: "invalid_placement", message: `Cannot resolve ${primary.gpuType} with ${primary.tp} GPUs to an instance` };

    const maxContext = this.maxContext(req.model_name);
    const required = (req.max_input_tokens ?? avgIn) + (req.max_output_tokens ?? avgOut);
    if (required > maxContext) {
      return {
        status: "error",
        error_type: "context_length_exceeded",
        message: `Required context ${required} exceeds max_model_len ${maxContext}`,
        detail: { max_input_tokens: req.max_input_tokens ?? avgIn, max_output_tokens: req.max_output_tokens ?? avgOut, required_context: required, max_model_len: maxContext, instance_type: instance.instanceType, tp_size: primary.tp, pp_size: primary.pp },
      };
    }
    if (solver === "user_specified" && !req.force) {
      const check = replicaPerf({ model: req.model_name, orcaGpu: primary.gpuType, gpuMemoryGb: instance.gpuMemoryGb, tp: primary.tp, pp: primary.pp, avgIn, avgOut, random: this.random.fork("feasibility"), noise: 0 });
      if (!check.fits) {
        return {
          status: "confirm",
          message: `User-specified placement looks infeasible: ${check.reason}`,
          feasibility: { feasible: false, reason: check.reason, max_model_len: maxContext, solution: null },
          config: { gpu_type: primary.gpuType, tp: primary.tp, pp: primary.pp, instance_type: instance.instanceType },
          quota_warning: null,
          hint: "Resubmit with force=true to launch anyway",
        };
      }
    }

    const alternatives: TLaunchConfig[] =
      solver === "user_specified"
        ? (req.koi_alternatives ?? [])
            .map((alt) => ({ gpuType: normalizeOrcaGpuName(alt.gpu_type), tp: alt.tp, pp: alt.pp, market: alt.planned_market ?? market }))
            .filter((alt) => resolveOrcaInstance(alt.gpuType, alt.tp) !== undefined)
        : [];
    const id = `${orcaJobIdPrefix(req.model_name)}-${this.jobIds.int(0, 0xffff).toString(16).padStart(4, "0")}`;
    const chunks: TChunk[] = req.chunks.map((c) => ({ id: c.chunk_id, lines: c.num_lines, state: "pending", retries: 0, replicaId: null }));
    const replicas = req.replicas ?? chunks.length;
    const job: TJob = {
      id,
      request: req,
      model: req.model_name,
      avgIn,
      avgOut,
      numLines: req.num_lines,
      market,
      decisionId: req.koi_decision_id ?? null,
      predictedTps: req.koi_predicted_tps ?? null,
      sloHours: req.slo_deadline_hours ?? 4,
      deployedAt: this.now,
      createdAt: this.now,
      updatedAt: this.now,
      status: "launching",
      chunks,
      pending: [...chunks],
      replicas: new Map(),
      initialReplicas: replicas,
      primary,
      version: 1,
      configsTried: [],
      launchFailedEmitted: false,
      completeScheduled: false,
      swap: null,
    };
    this.jobs.set(id, job);
    for (let i = 0; i < replicas; i++) this.startReplica(job, `${id}-r${i}`, [primary, ...alternatives], this.now, false);
    return {
      status: "launched",
      job_id: id,
      config: { instance_type: instance.instanceType, tp_size: primary.tp, pp_size: primary.pp },
      chunks: chunks.length,
      replicas,
      input_stats: { num_lines: req.num_lines, avg_input_tokens: avgIn, max_input_tokens: req.max_input_tokens ?? avgIn },
      quota_warning: null,
      message: `Launching ${replicas} replica(s) for ${chunks.length} chunk(s)`,
    };
  }

  private maxContext(model: string): number {
    try {
      return findModel(model).maxContext;
    } catch (error) {
      if (error instanceof UnknownNameError) return 32_768;
      throw error;
    }
  }

  /** Stand-in for Orca's roofline solver: the cheapest-per-token fitting (GPU, TP) among configured pools. */
  private rooflinePlacement(model: string, avgIn: number, avgOut: number, market: TOrcaMarket): TLaunchConfig | null {
    let best: { config: TLaunchConfig; costPerToken: number } | null = null;
    const gpuTypes = new Set(this.config.clusters.flatMap((c) => c.pools.filter((p) => p.gpus > 0).map((p) => p.gpuType)));
    for (const gpuType of gpuTypes) {
      for (const tp of [1, 2, 4, 8]) {
        const instance = resolveOrcaInstance(gpuType, tp);
        if (!instance) continue;
        const perf = replicaPerf({ model, orcaGpu: gpuType, gpuMemoryGb: instance.gpuMemoryGb, tp, pp: 1, avgIn, avgOut, random: this.random.fork("roofline"), noise: 0 });
        if (!perf.fits || perf.tps <= 0) continue;
        const costPerToken = (tp * instance.gpuMemoryGb) / perf.tps; // memory-weighted proxy: no prices needed
        if (!best || costPerToken < best.costPerToken) best = { config: { gpuType, tp, pp: 1, market }, costPerToken };
        break;
      }
    }
    return best?.config ?? null;
  }

  // ---- replica lifecycle -------------------------------------------------------------------

  private startReplica(job: TJob, id: string, configs: TLaunchConfig[], sloClockStart: number, isScaled: boolean): TReplica {
    const replica: TReplica = {
      id,
      jobId: job.id,
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
      launchStartedAt: this.now,
      sloClockStart,
      perf: null,
      current: null,
      timers: [],
      random: this.random.fork(`replica:${id}`),
      hasMetrics: false,
      counters: { generation: 0, prompt: 0, requests: 0 },
      lastSnapshot: null,
      isScaled,
    };
    job.replicas.set(id, replica);
    this.attempt(job, replica, 0);
    return replica;
  }

  private launchIdentity(job: TJob, r: TReplica): Record<string, unknown> {
    const config = r.configs[r.attempt]!;
    return { job_id: r.id, decision_id: job.decisionId, group_id: job.id, gpu_type: config.gpuType, instance_type: r.instanceType, tp: config.tp, pp: config.pp };
  }

  private attempt(job: TJob, r: TReplica, index: number): void {
    if (index >= r.configs.length) return this.launchExhausted(job, r);
    const config = r.configs[index]!;
    const instance = resolveOrcaInstance(config.gpuType, config.tp) as TOrcaInstanceSpec;
    Object.assign(r, { attempt: index, instanceType: instance.instanceType, gpusPerInstance: instance.gpus, gpuMemoryGb: instance.gpuMemoryGb, nodes: Math.max(1, Math.floor((config.tp * config.pp) / instance.gpus)), region: null, market: null, launchPhase: "searching_capacity" });
    this.heartbeatLoop(job, r, index);

    const o = this.config;
    const search = r.random.uniform(o.searchSeconds[0], o.searchSeconds[1]);
    const cluster = freeCapacity(this, config, instance, r.nodes);
    const noCapacity = cluster !== null && r.random.next() < o.launchFailureRate;
    if (cluster === null || noCapacity) {
      const reason =
        cluster === null
          ? `VcpuLimitExceeded: You have requested more vCPU capacity than your current vCPU limit allows for the instance bucket of ${instance.instanceType} (quota)`
          : `InsufficientInstanceCapacity: We currently do not have sufficient ${instance.instanceType} capacity in the Availability Zone you requested`;
      this.at(search, () => this.attemptFailed(job, r, index, reason, cluster === null ? "quota" : "no_capacity"), r);
      return;
    }
    reserve(this, r, job, cluster, config, instance);
    const provision = r.random.uniform(o.provisionSeconds[0], o.provisionSeconds[1]);
    this.at(Math.min(search, provision), () => (r.launchPhase = "provisioning"), r);
    this.at(provision * 0.8, () => {
      r.launchPhase = "bootstrapping";
      r.region = cluster.region;
      r.market = config.market;
    }, r);
    this.at(provision, () => this.clusterUp(job, r, index, provision), r);
  }

  private heartbeatLoop(job: TJob, r: TReplica, index: number): void {
    const messages = { searching_capacity: "Searching for capacity", provisioning: "Provisioning cluster", bootstrapping: "Cluster provisioned, bootstrapping runtime", waiting_model_ready: "Replica provisioned, waiting for model_ready" };
    const beat = () => {
      if (r.attempt !== index || (r.phase !== "launching" && r.phase !== "provisioned")) return;
      this.outbox.emit("/job/launch-heartbeat", {
        ...this.launchIdentity(job, r),
        region: r.region ?? "unknown",
        market: r.market ?? "unknown",
        attempt_index: index,
        phase: r.launchPhase,
        message: messages[r.launchPhase],
        timestamp: this.now,
      });
      this.at(HEARTBEAT_SECONDS, beat, r);
    };
    beat();
  }

  private attemptFailed(job: TJob, r: TReplica, index: number, reason: string, category: string): void {
    const config = r.configs[index]!;
    this.outbox.emit("/job/config-attempted", { job_id: job.id, decision_id: job.decisionId, instance_type: r.instanceType, gpu_type: config.gpuType, region: "unknown", market: config.market, launched: false, failure_reason: reason.slice(0, 500), time_to_launch: 0, attempt_index: index });
    job.configsTried.push({ gpu_type: config.gpuType, instance_type: r.instanceType, region: "unknown", market: config.market, reason: reason.slice(0, 500), failure_category: category });
    this.attempt(job, r, index + 1);
  }

  private launchExhausted(job: TJob, r: TReplica): void {
    this.endReplica(job, r, "failed");
    const all = [...job.replicas.values()];
    if (all.every((x) => TERMINAL_PHASES.includes(x.phase)) && !all.some((x) => x.phase === "completed")) {
      if (job.launchFailedEmitted) return;
      job.launchFailedEmitted = true;
      job.status = "failed";
      job.updatedAt = this.now;
      this.outbox.emit(
        "/job/launch-failed",
        { job_id: job.id, decision_id: job.decisionId, configs_tried: job.configsTried, failure_reasons: job.configsTried.map((c) => c.reason), total_time_seconds: round(this.now - job.deployedAt, 2) },
        `launch_failed:${job.id}`,
      );
      return;
    }
    // (code reading, A.4) the watchdog later finds the replica in phase failed.
    this.at(WATCHDOG_SECONDS, () => this.watchdogFailed(job, r));
  }

  private clusterUp(job: TJob, r: TReplica, index: number, provisionSeconds: number): void {
    const config = r.configs[index]!;
    r.phase = "provisioned";
    r.launchPhase = "waiting_model_ready";
    r.region = r.region ?? "unknown";
    r.market = config.market;
    this.outbox.emit("/job/config-attempted", { job_id: job.id, decision_id: job.decisionId, instance_type: r.instanceType, gpu_type: config.gpuType, region: r.region, market: config.market, launched: true, failure_reason: "", time_to_launch: round(provisionSeconds, 2), attempt_index: index });
    this.outbox.emit("/job/launching", { ...this.launchIdentity(job, r), region: r.region, market: config.market, attempt_index: index }, `job_launching:${r.id}:${index}`);
    if (job.status === "launching" || job.status === "queued") job.status = "loading_model";
    job.updatedAt = this.now;
    r.perf = replicaPerf({ model: job.model, orcaGpu: config.gpuType, gpuMemoryGb: r.gpuMemoryGb, tp: config.tp, pp: config.pp, avgIn: job.avgIn, avgOut: job.avgOut, random: r.random, noise: this.config.throughputNoise });
    const load = r.random.uniform(this.config.modelLoadSeconds[0], this.config.modelLoadSeconds[1]);
    this.at(load, () => this.modelReady(job, r), r);
  }

  private modelReady(job: TJob, r: TReplica): void {
    const config = r.configs[r.attempt]!;
    if (!r.perf?.fits) {
      this.endReplica(job, r, "failed");
      this.outbox.emit(
        "/job/replica-failed",
        { ...this.failedIdentity(job, r), reason: "startup_failed: CUDA out of memory during startup", reason_code: "startup_oom", reason_detail: (r.perf?.reason ?? "model does not fit").slice(0, 500) },
        `replica_failed:${r.id}`,
      );
      return;
    }
    r.phase = "running";
    r.hasMetrics = true;
    if (!["succeeded", "failed"].includes(job.status)) job.status = "generating";
    job.updatedAt = this.now;
    const hoursSinceStart = (this.now - r.sloClockStart) / 3600;
    this.outbox.emit(
      "/job/started",
      {
        job_id: r.id, replica_id: r.id, group_id: job.id, decision_id: job.decisionId, gpu_type: config.gpuType, instance_type: r.instanceType, region: r.region ?? "unknown", market: r.market ?? "unknown",
        tp: config.tp, pp: config.pp, dp: 1, slo_deadline_hours: Math.max(0.1, round(job.sloHours - hoursSinceStart, 4)), total_tokens: job.numLines * (job.avgIn + job.avgOut),
        predicted_tps: job.predictedTps, is_fallback: r.attempt > 0,
      },
      `job_started:${r.id}`,
    );
    this.scheduleFailures(job, r);
    this.swapProgress(job, r);
    this.pullNext(job, r);
  }

  private failedIdentity(job: TJob, r: TReplica): Record<string, unknown> {
    return { job_id: r.id, replica_id: r.id, group_id: job.id, decision_id: job.decisionId, instance_type: r.instanceType, region: r.region ?? "unknown", market: r.market ?? "unknown", status: "failed" };
  }

  private scheduleFailures(job: TJob, r: TReplica): void {
    const preemptRate = r.market === "spot" ? this.config.spotPreemptionPerHour / 3600 : 0;
    const crashRate = this.config.replicaCrashPerHour / 3600;
    const preemptIn = preemptRate > 0 ? r.random.exponential(preemptRate) : Infinity;
    const crashIn = crashRate > 0 ? r.random.exponential(crashRate) : Infinity;
    if (preemptIn === Infinity && crashIn === Infinity) return;
    if (preemptIn <= crashIn) {
      // Orca never emits spot_preemption: the replica just stops heartbeating and the watchdog notices.
      this.at(preemptIn, () => {
        this.loseReplica(job, r, "dead");
        this.at(WATCHDOG_SECONDS, () => this.watchdogFailed(job, r));
      }, r);
    } else {
      this.at(crashIn, () => {
        this.loseReplica(job, r, "failed");
        this.outbox.emit("/job/replica-failed", { ...this.failedIdentity(job, r), reason: "Log stream error", reason_code: "log_stream_error", reason_detail: "ConnectionResetError: [Errno 104] Connection reset by peer" }, `replica_failed:${r.id}`);
      }, r);
    }
  }

  private watchdogFailed(job: TJob, r: TReplica): void {
    this.outbox.emit("/job/replica-failed", { ...this.failedIdentity(job, r), reason: `Heartbeat timeout (${WATCHDOG_SECONDS}s)` }, `replica_failed:${r.id}`);
  }

  /** A replica died holding a chunk: the lease expires and the reclaimer returns it (or gives up after 3 tries). */
  private loseReplica(job: TJob, r: TReplica, phase: "dead" | "failed"): void {
    const held = r.current?.chunk;
    this.endReplica(job, r, phase);
    if (!held) return;
    const expiry = CHUNK_LEASE_TTL_SECONDS + CHUNK_RECLAIM_EVERY_SECONDS - ((this.now + CHUNK_LEASE_TTL_SECONDS) % CHUNK_RECLAIM_EVERY_SECONDS);
    this.at(expiry, () => this.reclaim(job, held, true));
  }

  private reclaim(job: TJob, chunk: TChunk, countsAsRetry: boolean): void {
    if (chunk.state !== "inflight") return;
    chunk.replicaId = null;
    if (countsAsRetry) chunk.retries += 1;
    if (chunk.retries >= CHUNK_MAX_RETRIES) {
      chunk.state = "failed";
      this.afterChunk(job);
      return;
    }
    chunk.state = "pending";
    job.pending.unshift(chunk);
  }

  /** Stops a replica: timers cancelled, reservation released, its last metrics kept for the aggregate. */
  private endReplica(job: TJob, r: TReplica, phase: TReplica["phase"]): void {
    if (TERMINAL_PHASES.includes(r.phase)) return;
    if (r.hasMetrics) r.lastSnapshot = retireSnapshot(this, job, r);
    for (const timer of r.timers) timer.cancelled = true;
    r.timers = [];
    if (r.current) r.current.timer.cancelled = true;
    r.current = null;
    r.phase = phase;
    release(this, r.id);
    job.updatedAt = this.now;
  }

  private pullNext(job: TJob, r: TReplica): void {
    if (r.phase !== "running") return;
    const chunk = job.pending.shift();
    if (!chunk) {
      r.current = null;
      const remaining = job.chunks.some((c) => c.state === "pending" || c.state === "inflight");
      this.endReplica(job, r, "completed");
      if (remaining && this.config.quirks.cleanExitPendingChunks) this.cleanExit(job, r);
      return;
    }
    chunk.state = "inflight";
    chunk.replicaId = r.id;
    const seconds = (chunk.lines * (job.avgIn + job.avgOut)) / r.perf!.tps;
    const timer = this.at(seconds, () => this.finishChunk(job, r, chunk));
    r.current = { chunk, startedAt: this.now, timer };
  }

  private finishChunk(job: TJob, r: TReplica, chunk: TChunk): void {
    chunk.state = "completed";
    chunk.replicaId = null;
    r.counters = { generation: r.counters.generation + chunk.lines * job.avgOut, prompt: r.counters.prompt + chunk.lines * job.avgIn, requests: r.counters.requests + chunk.lines };
    r.current = null;
    job.updatedAt = this.now;
    if (this.afterChunk(job)) return;
    this.pullNext(job, r);
  }

  /** True when the job just finished. */
  private afterChunk(job: TJob): boolean {
    if (job.completeScheduled || !job.chunks.every((c) => c.state === "completed" || c.state === "failed")) return false;
    job.completeScheduled = true;
    for (const r of job.replicas.values()) this.endReplica(job, r, r.phase === "launching" || r.phase === "provisioned" ? "killed" : "completed");
    this.at(ASSEMBLY_SECONDS, () => {
      job.status = "succeeded";
      job.updatedAt = this.now;
      this.outbox.emit("/job/complete", { job_id: job.id, group_id: job.id, status: "succeeded", metrics: completeMetrics(this, job) }, `job_complete:${job.id}`);
    });
    return true;
  }

  /** (code reading, A.4) A replica whose log stream ends normally while chunks remain reports clean_exit_pending_chunks. */
  private cleanExit(job: TJob, r: TReplica): void {
    const pending = job.chunks.filter((c) => c.state === "pending").length;
    const inflight = job.chunks.filter((c) => c.state === "inflight").length;
    this.at(5, () =>
      this.outbox.emit(
        "/job/replica-failed",
        { ...this.failedIdentity(job, r), reason: "Replica exited with chunks pending", reason_code: "clean_exit_pending_chunks", reason_detail: `queue not all_done: ${pending} pending, ${inflight} inflight` },
        `replica_failed:${r.id}`,
      ),
    );
  }

  // ---- control API (C.4) -------------------------------------------------------------------

  job(id: string): TJob {
    const job = this.jobs.get(id);
    if (!job) throw new OrcaApiError(404, { detail: `Job ${id} not found` });
    return job;
  }

  private assertMutable(job: TJob): void {
    if (["succeeded", "failed", "cancelled"].includes(job.status)) throw new OrcaApiError(409, { detail: `Job ${job.id} is ${job.status}` });
  }

  liveReplicas(job: TJob): TReplica[] {
    return [...job.replicas.values()].filter((r) => !TERMINAL_PHASES.includes(r.phase));
  }

  scale(jobId: string, body: { count: number; gpu_type?: string; tp_size?: number; pp_size?: number; planned_market?: TOrcaMarket; on_demand?: boolean }): Record<string, unknown> {
    const job = this.job(jobId);
    this.assertMutable(job);
    let gpuType = body.gpu_type ? normalizeOrcaGpuName(body.gpu_type) : undefined;
    if (!gpuType) {
      const live = this.liveReplicas(job)[0];
      if (!live) throw new OrcaApiError(400, { detail: "Cannot infer GPU config: no live replica; pass gpu_type" });
      gpuType = live.configs[live.attempt]!.gpuType;
    }
    // (code reading) an inferred config gets tp=pp=1 unless given.
    const config: TLaunchConfig = { gpuType, tp: body.tp_size ?? 1, pp: body.pp_size ?? 1, market: body.planned_market ?? (body.on_demand === undefined ? job.market : body.on_demand ? "on_demand" : "spot") };
    if (!resolveOrcaInstance(config.gpuType, config.tp)) throw new OrcaApiError(400, { detail: `Cannot infer GPU config for ${config.gpuType} tp=${config.tp}` });
    const version = ++job.version;
    const ids = Array.from({ length: body.count }, (_, i) => `${job.id}-v${version}-r${i}`);
    for (const id of ids) this.startReplica(job, id, [config], this.now, true);
    return { status: "scaling", new_replicas: ids, version };
  }

  swap(jobId: string, body: { gpu_type: string; tp_size?: number; pp_size?: number; num_replicas?: number; ready_threshold?: number; planned_market?: TOrcaMarket; on_demand?: boolean }): Record<string, unknown> {
    const job = this.job(jobId);
    this.assertMutable(job);
    if (job.swap) throw new OrcaApiError(409, { detail: `A swap is already in progress for ${job.id}` });
    const config: TLaunchConfig = { gpuType: normalizeOrcaGpuName(body.gpu_type), tp: body.tp_size ?? 1, pp: body.pp_size ?? 1, market: body.planned_market ?? (body.on_demand === undefined ? job.market : body.on_demand ? "on_demand" : "spot") };
    if (!resolveOrcaInstance(config.gpuType, config.tp)) throw new OrcaApiError(400, { detail: `Unknown GPU config ${config.gpuType} tp=${config.tp}` });
    const old = this.liveReplicas(job).map((r) => r.id);
    const count = body.num_replicas ?? Math.max(1, old.length);
    const threshold = Math.min(body.ready_threshold ?? 1, count);
    const version = ++job.version;
    const ids = Array.from({ length: count }, (_, i) => `${job.id}-v${version}-r${i}`);
    const timeout = this.at(SWAP_TIMEOUT_SECONDS, () => (job.swap = null));
    job.swap = { newIds: new Set(ids), oldIds: old, threshold, ready: 0, timeout };
    for (const id of ids) this.startReplica(job, id, [config], this.now, true);
    return { status: "swapping", old_replicas: old, new_replicas: ids, ready_threshold: threshold, version };
  }

  private swapProgress(job: TJob, r: TReplica): void {
    const swap = job.swap;
    if (!swap || !swap.newIds.has(r.id)) return;
    swap.ready += 1;
    if (swap.ready < swap.threshold) return;
    swap.timeout.cancelled = true;
    job.swap = null;
    for (const id of swap.oldIds) {
      const old = job.replicas.get(id);
      if (old) this.kill(job, old, "swapped_out");
    }
  }

  killReplicas(jobId: string, replicaIds: string[]): Record<string, unknown> {
    const job = this.job(jobId);
    const killed: string[] = [];
    const skipped: string[] = [];
    let reclaimed = 0;
    for (const id of replicaIds) {
      const r = job.replicas.get(id);
      if (!r || TERMINAL_PHASES.includes(r.phase)) {
        skipped.push(id);
        continue;
      }
      reclaimed += this.kill(job, r, "killed");
      killed.push(id);
    }
    return { status: "killing", killed, skipped, reclaimed };
  }

  /** Returns the number of in-flight chunks put back to pending. No webhook, except the clean-exit quirk. */
  private kill(job: TJob, r: TReplica, phase: "killed" | "swapped_out"): number {
    const held = r.current?.chunk;
    const wasServing = r.phase === "running";
    this.endReplica(job, r, phase);
    if (held && held.state === "inflight") {
      this.reclaim(job, held, false);
      this.wakeIdle(job);
    }
    const remaining = job.chunks.some((c) => c.state === "pending" || c.state === "inflight");
    if (wasServing && remaining && this.config.quirks.cleanExitPendingChunks) this.cleanExit(job, r);
    return held ? 1 : 0;
  }

  private wakeIdle(job: TJob): void {
    for (const r of job.replicas.values()) if (r.phase === "running" && !r.current) this.pullNext(job, r);
  }
}

