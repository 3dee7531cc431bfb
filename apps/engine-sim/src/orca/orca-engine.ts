import type { TRandom } from "@koi/planner/random/seeded-random";
import type { TOrcaPdBatchedRequest } from "@koi/contracts";
import { TimerQueue, type TTimer } from "../timer-queue.ts";
import type { TOrcaSimConfig } from "../config.ts";
import type { TOrcaOutbox } from "./orca-outbox.ts";
import { failedIdentity } from "./orca-payloads.ts";
import { startReplica } from "./orca-launch.ts";
import { newJob, planSubmit } from "./orca-submit.ts";
import { completeMetrics, retireSnapshot } from "./orca-metrics.ts";
import { release } from "./orca-capacity.ts";
import {
  TERMINAL_PHASES,
  type TChunk,
  type TJob,
  type TLaunchConfig,
  type TReplica,
  type TReservation,
} from "./orca-state.ts";

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
  /**
   * Jobs a restart of the server forgot. Real Orca keeps its job tracker and replica states in
   * memory, its chunk queue in Redis: after a restart `/job/{id}` and `/replicas` no longer know the
   * job, while its replicas keep pulling chunks, `/chunks/progress` answers and `/job/complete` fires.
   */
  readonly forgotten = new Set<string>();
  readonly reservations: TReservation[] = [];
  private readonly timers = new TimerQueue();
  private readonly jobIds: TRandom;

  constructor(
    readonly config: TOrcaSimConfig,
    readonly random: TRandom,
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

  at(delaySeconds: number, run: () => void, owner?: TReplica): TTimer {
    const timer = this.timers.schedule(this.now + delaySeconds, run);
    owner?.timers.push(timer);
    return timer;
  }

  // ---- submit ----------------------------------------------------------------------------

  submit(req: TOrcaPdBatchedRequest): Record<string, unknown> {
    const plan = planSubmit(this.config, this.random, req);
    if (!plan.ok) return plan.response;
    const { primary, alternatives, instance, avgIn, avgOut, market, model, pdGroups } = plan;
    const id = `${orcaJobIdPrefix(model)}-${this.jobIds.int(0, 0xffff).toString(16).padStart(4, "0")}`;
    const chunks: TChunk[] = req.chunks!.map((c) => ({
      id: c.chunk_id,
      lines: c.num_lines,
      state: "pending",
      retries: 0,
      replicaId: null,
    }));
    const replicas = pdGroups ? pdGroups.reduce((n, g) => n + g.replicas, 0) : (req.replicas ?? chunks.length);
    const job = newJob({ id, req, model, avgIn, avgOut, market, primary, chunks, replicas, now: this.now });
    this.jobs.set(id, job);
    if (pdGroups) {
      // Each side launches with its own config only: a split has no colocated fallback.
      let i = 0;
      for (const group of pdGroups)
        for (let k = 0; k < group.replicas; k++)
          startReplica(this, job, `${id}-r${i++}`, [group.config], this.now, false, group.role);
    } else {
      for (let i = 0; i < replicas; i++)
        startReplica(this, job, `${id}-r${i}`, [primary, ...alternatives], this.now, false);
    }
    return {
      status: "launched",
      job_id: id,
      config: { instance_type: instance.instanceType, tp_size: primary.tp, pp_size: primary.pp },
      chunks: chunks.length,
      replicas,
      input_stats: {
        num_lines: req.num_lines,
        avg_input_tokens: avgIn,
        max_input_tokens: req.max_input_tokens ?? avgIn,
      },
      quota_warning: null,
      message: `Launching ${replicas} replica(s) for ${chunks.length} chunk(s)`,
    };
  }

  // ---- serving (launch is in orca-launch.ts) -------------------------------------------------

  /** The replica reported model_ready: it may be preempted or crash, completes a swap, and pulls chunks. */
  beginServing(job: TJob, r: TReplica): void {
    this.scheduleFailures(job, r);
    this.swapProgress(job, r);
    // Decode replicas wait for prefill capacity; a prefill replica that comes up lets them start.
    if (r.role === "prefill") this.wakeIdle(job);
    else this.pullNext(job, r);
  }

  /**
   * Input + output tokens/s a replica would run its next chunk at. Colocated: its own. Decode: its
   * own request rate, capped by its share of the prompts the running prefill replicas hand over
   * (the split's pipeline runs at its slower side; 0 while no prefill replica serves).
   */
  private chunkTps(job: TJob, r: TReplica): number {
    if (r.role === "both") return r.perf!.tps;
    const running = [...job.replicas.values()].filter((x) => x.phase === "running");
    const prefill = running.filter((x) => x.role === "prefill").reduce((sum, x) => sum + x.perf!.requestsPerSecond, 0);
    const decoders = running.filter((x) => x.role === "decode").length;
    return Math.min(r.perf!.requestsPerSecond, prefill / Math.max(1, decoders)) * (job.avgIn + job.avgOut);
  }

  private scheduleFailures(job: TJob, r: TReplica): void {
    const preemptRate = r.market === "spot" ? this.config.spotPreemptionPerHour / 3600 : 0;
    const crashRate = this.config.replicaCrashPerHour / 3600;
    const preemptIn = preemptRate > 0 ? r.random.exponential(preemptRate) : Infinity;
    const crashIn = crashRate > 0 ? r.random.exponential(crashRate) : Infinity;
    if (preemptIn === Infinity && crashIn === Infinity) return;
    if (preemptIn <= crashIn) {
      // Orca never emits spot_preemption: the replica just stops heartbeating and the watchdog notices.
      this.at(
        preemptIn,
        () => {
          this.loseReplica(job, r, "dead");
          this.at(WATCHDOG_SECONDS, () => this.watchdogFailed(job, r));
        },
        r,
      );
    } else {
      this.at(
        crashIn,
        () => {
          this.loseReplica(job, r, "failed");
          this.outbox.emit(
            "/job/replica-failed",
            {
              ...failedIdentity(job, r),
              reason: "Log stream error",
              reason_code: "log_stream_error",
              reason_detail: "ConnectionResetError: [Errno 104] Connection reset by peer",
            },
            `replica_failed:${r.id}`,
          );
        },
        r,
      );
    }
  }

  watchdogFailed(job: TJob, r: TReplica): void {
    this.outbox.emit(
      "/job/replica-failed",
      { ...failedIdentity(job, r), reason: `Heartbeat timeout (${WATCHDOG_SECONDS}s)` },
      `replica_failed:${r.id}`,
    );
  }

  /** A replica died holding a chunk: the lease expires and the reclaimer returns it (or gives up after 3 tries). */
  private loseReplica(job: TJob, r: TReplica, phase: "dead" | "failed"): void {
    const held = r.current?.chunk;
    this.endReplica(job, r, phase);
    if (!held) return;
    const expiry =
      CHUNK_LEASE_TTL_SECONDS +
      CHUNK_RECLAIM_EVERY_SECONDS -
      ((this.now + CHUNK_LEASE_TTL_SECONDS) % CHUNK_RECLAIM_EVERY_SECONDS);
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
  endReplica(job: TJob, r: TReplica, phase: TReplica["phase"]): void {
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
    // Prefill replicas hold no chunks: they serve the prompts of the decode replicas' chunks.
    if (r.phase !== "running" || r.role === "prefill") return;
    const tps = this.chunkTps(job, r);
    if (tps <= 0 && job.pending.length > 0) return;
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
    const seconds = (chunk.lines * (job.avgIn + job.avgOut)) / tps;
    const timer = this.at(seconds, () => this.finishChunk(job, r, chunk));
    r.current = { chunk, startedAt: this.now, timer, tps };
  }

  private finishChunk(job: TJob, r: TReplica, chunk: TChunk): void {
    chunk.state = "completed";
    chunk.replicaId = null;
    r.counters = {
      generation: r.counters.generation + chunk.lines * job.avgOut,
      prompt: r.counters.prompt + chunk.lines * job.avgIn,
      requests: r.counters.requests + chunk.lines,
    };
    r.current = null;
    job.updatedAt = this.now;
    if (this.afterChunk(job)) return;
    this.pullNext(job, r);
  }

  /** True when the job just finished. */
  private afterChunk(job: TJob): boolean {
    if (job.completeScheduled || !job.chunks.every((c) => c.state === "completed" || c.state === "failed"))
      return false;
    job.completeScheduled = true;
    for (const r of job.replicas.values())
      this.endReplica(job, r, r.phase === "launching" || r.phase === "provisioned" ? "killed" : "completed");
    this.at(ASSEMBLY_SECONDS, () => {
      job.status = "succeeded";
      job.updatedAt = this.now;
      this.outbox.emit(
        "/job/complete",
        { job_id: job.id, group_id: job.id, status: "succeeded", metrics: completeMetrics(this, job) },
        `job_complete:${job.id}`,
      );
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
        {
          ...failedIdentity(job, r),
          reason: "Replica exited with chunks pending",
          reason_code: "clean_exit_pending_chunks",
          reason_detail: `queue not all_done: ${pending} pending, ${inflight} inflight`,
        },
        `replica_failed:${r.id}`,
      ),
    );
  }

  // ---- used by the control API (orca-control.ts) -------------------------------------------

  /** A job as the server's memory knows it: none once a restart forgot it. */
  remembered(id: string): TJob | undefined {
    return this.forgotten.has(id) ? undefined : this.jobs.get(id);
  }

  job(id: string): TJob {
    const job = this.remembered(id);
    if (!job) throw new OrcaApiError(404, { detail: `Job ${id} not found` });
    return job;
  }

  /** A job's chunk queue, which lives in Redis and outlasts a restart. */
  chunkQueue(id: string): TJob {
    const job = this.jobs.get(id);
    if (!job) throw new OrcaApiError(404, { detail: `No chunk queue for job ${id}` });
    return job;
  }

  /** The server restarts: every job in its memory is forgotten; replicas and queues run on. */
  restart(): void {
    for (const id of this.jobs.keys()) this.forgotten.add(id);
  }

  liveReplicas(job: TJob): TReplica[] {
    return [...job.replicas.values()].filter((r) => !TERMINAL_PHASES.includes(r.phase));
  }

  /** Starts a swap: new replicas launch now; the old ones go once `threshold` of them serve. */
  beginSwap(
    job: TJob,
    config: TLaunchConfig,
    count: number,
    threshold: number,
  ): { old: string[]; ids: string[]; version: number } {
    const old = this.liveReplicas(job).map((r) => r.id);
    const version = ++job.version;
    const ids = Array.from({ length: count }, (_, i) => `${job.id}-v${version}-r${i}`);
    const timeout = this.at(SWAP_TIMEOUT_SECONDS, () => (job.swap = null));
    job.swap = { newIds: new Set(ids), oldIds: old, threshold, ready: 0, timeout };
    for (const id of ids) startReplica(this, job, id, [config], this.now, true);
    return { old, ids, version };
  }

  /** Adds replicas (`<job>-v<k>-r<i>`); their SLO clock starts now. */
  addReplicas(job: TJob, config: TLaunchConfig, count: number): { ids: string[]; version: number } {
    const version = ++job.version;
    const ids = Array.from({ length: count }, (_, i) => `${job.id}-v${version}-r${i}`);
    for (const id of ids) startReplica(this, job, id, [config], this.now, true);
    return { ids, version };
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

  /** Returns the number of in-flight chunks put back to pending. No webhook, except the clean-exit quirk. */
  kill(job: TJob, r: TReplica, phase: "killed" | "swapped_out"): number {
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
