import { lookupPrice } from "@koi/catalog";
import {
  KOI_TO_ORCA_GPU,
  ORCA_INSTANCES,
  ORCA_TERMINAL_REPLICA_PHASES,
  koiToOrcaMarket,
  normalizeOrcaGpuName,
  orcaToKoiGpu,
  resolveOrcaInstance,
  type TAssignmentState,
  type TCommand,
  type TDeployCommand,
  type TOrcaJobStatus,
  type TUsageLine,
} from "@koi/contracts";
import type { TLogger } from "../../logger.ts";
import type { TAssignmentRecord } from "../../state/agent-state.ts";
import { EngineHttpError, type TEngineAdapter, type TExecuteResult, type TPollResult } from "../types.ts";
import { buildBatchedRequest, isSplitDeploy } from "./build-batched-request.ts";
import { OrcaApi } from "./orca-api.ts";
import { inventoryFromOrca } from "./orca-inventory.ts";
import { startOrcaWebhookListener, type TWebhookListenerOptions } from "./orca-webhook-listener.ts";

type TOrcaConfig = { gpuType: string; tp: number; pp: number; market: "spot" | "on_demand" };
/** What decides how many machines Orca gives a replica (Orca's GPU name). */
type TReplicaShape = Pick<TOrcaConfig, "gpuType" | "tp" | "pp">;
type TUsageAccumulator = { component: "spot" | "on-demand"; gpuType: string; seconds: number; costUsd: number };
type TOrcaAdapterState = {
  jobId: string;
  /** The config the next scale or resume launches with (the last one Koi asked for). */
  config: TOrcaConfig;
  /** The config the job was submitted with: its `-r<i>` replicas run on it, a split's group or an alternative. */
  submitted?: TOrcaConfig;
  /** A prefill/decode split's groups as submitted: each launches like a submitted config. */
  groups?: TReplicaShape[];
  /** Koi's alternatives as submitted, which Orca falls back to in order. */
  alternatives?: TReplicaShape[];
  /**
   * pp_size of each replica Orca launched for a scale, swap or resume: its `_do_scale` gives such a
   * replica `num_instances = pp_size` machines, each the instance resolved for its TP, where a
   * submit packs the stages into as few machines as hold them.
   */
  scaledReplicaPp?: Record<string, number>;
  paused?: { count: number; config: TOrcaConfig } | null;
  stopped?: boolean;
  /** A prefill/decode split: its replicas carry roles that Orca's scale and swap cannot give new ones. */
  split?: boolean;
  /** Input chunks the job was submitted with: more replicas than this would sit idle. */
  chunks?: number;
  usage: Record<string, TUsageAccumulator>;
  lastPollAt?: string;
  /** Orca's job_complete webhook arrived for this job. */
  completeSeen?: boolean;
  /**
   * GPUs and dollars per hour of the job's billed replicas at the last poll, by usage line: billed
   * on while a restarted Orca no longer knows the job but its replicas still hold chunks.
   */
  billedPerHour?: Record<string, TBilledRate>;
  /** Orca answered 404 for the job while its chunk queue ran on (a restarted Orca). */
  forgotten?: boolean;
};

type TBilledRate = Omit<TUsageAccumulator, "seconds" | "costUsd"> & { gpus: number; usdPerHour: number };

export type TOrcaAdapterOptions = {
  url: string;
  apiKey: string | null;
  logger: TLogger;
  fetchImpl?: typeof fetch;
  /** BatchedRequest.user_id. */
  userId?: string;
  /** Simulator only: invent S3 chunk paths when a workload names no input. */
  allowSyntheticInput?: boolean;
  webhook?: Omit<TWebhookListenerOptions, "logger"> | null;
  nowMs?: () => number;
};

const BILLED_PHASES = new Set(["provisioned", "running"]);
const LIVE_PHASES = new Set(["launching", "provisioned", "running"]);
/** A gap longer than this between polls (agent down) is not billed blindly. */
const MAX_BILLED_GAP_SECONDS = 3600;

/**
 * Koi's state of a job from Orca's status and its replicas. Orca stores each runner's phase as the
 * job's status (server.py, update_job_phase), so a replica loading its model (a scale-up, a swap, a
 * resume) says loading_model while its siblings generate: until the job ends, it runs while a
 * replica does.
 */
function stateFromOrca(status: string, runningReplicas: number): TAssignmentState {
  switch (status as TOrcaJobStatus) {
    case "succeeded":
      return "completed";
    case "failed":
    case "cancelled":
      return "failed";
    case "running":
    case "model_ready":
    case "generating":
      return "running";
    default:
      return runningReplicas > 0 ? "running" : "deploying";
  }
}

/** Machines server.py's submit_batch launches for a submitted config: as many stages a machine as its TP allows. */
function packedMachines(shape: TReplicaShape, gpusPerInstance: number): number {
  return Math.ceil(shape.pp / Math.max(1, Math.floor(gpusPerInstance / shape.tp)));
}

/**
 * Machines one replica holds; `/job/{id}/replicas` names only its instance type. A replica added by
 * a scale, swap or resume has one per pipeline stage. A submitted one is matched to the config it
 * launched on by the instance that config resolves to: the submitted config or a split's group
 * packs its stages (`packedMachines`); one of Koi's alternatives gets `tp × pp ÷ GPUs per instance`
 * machines (at least one), as Orca sizes an alternative. An instance none resolves to (another
 * Orca's instance table) is matched by GPU type to a submitted config, else counted as one machine.
 */
function machinesPerReplica(
  s: TOrcaAdapterState,
  replica: { replica_id: string; instance_type: string },
  spec: { gpuType: string; gpus: number },
): number {
  const scaledPp = s.scaledReplicaPp?.[replica.replica_id];
  if (scaledPp !== undefined) return scaledPp;
  const submitted = [s.submitted ?? s.config, ...(s.groups ?? [])];
  const launchedOn = (shape: TReplicaShape) =>
    resolveOrcaInstance(shape.gpuType, shape.tp)?.instanceType === replica.instance_type;
  const primary = submitted.find(launchedOn);
  if (primary) return packedMachines(primary, spec.gpus);
  const alternative = s.alternatives?.find(launchedOn);
  if (alternative) return Math.max(1, Math.floor((alternative.tp * alternative.pp) / spec.gpus));
  const sameGpu = submitted.find((shape) => normalizeOrcaGpuName(shape.gpuType) === spec.gpuType);
  return sameGpu ? packedMachines(sameGpu, spec.gpus) : 1;
}

/** The state with Orca's newly launched replicas recorded at the pp_size they launched with. */
function withScaledReplicas(s: TOrcaAdapterState, replicaIds: readonly string[], pp: number): TOrcaAdapterState {
  if (replicaIds.length === 0) return s;
  return { ...s, scaledReplicaPp: { ...s.scaledReplicaPp, ...Object.fromEntries(replicaIds.map((id) => [id, pp])) } };
}

/** Orca numbers replicas as it adds them (`-r1`, `-v2-r0`, … `-v10-r0`): numeric order is age. */
const olderFirst = new Intl.Collator("en", { numeric: true }).compare;

/** Which replicas a scale-down removes first: launching ones (they hold no chunks), then the newest. */
export function killOrder<T extends { replica_id: string; phase: string }>(live: readonly T[]): T[] {
  return [...live].sort(
    (a, b) => Number(a.phase === "running") - Number(b.phase === "running") || olderFirst(b.replica_id, a.replica_id),
  );
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Koi command → Orca REST call, Orca state → Koi report and inventory (ENGINE_CONTRACTS A–C). */
export function createOrcaAdapter(options: TOrcaAdapterOptions): TEngineAdapter {
  const api = new OrcaApi(options.url, options.apiKey, options.fetchImpl);
  const nowMs = options.nowMs ?? Date.now;
  const prices = new Map<string, number>();
  let pricesAt = 0;
  /** Jobs whose job_complete webhook this agent spooled, until their assignment's next poll keeps it. */
  const completedJobs = new Set<string>();

  async function instancePrices(): Promise<Map<string, number>> {
    if (nowMs() - pricesAt > 10 * 60_000) {
      const resources = await api.resources();
      prices.clear();
      for (const i of resources.instances)
        prices.set(i.instance_type, i.cost_per_instance_hour_usd / i.gpus_per_instance);
      pricesAt = nowMs();
    }
    return prices;
  }

  function gpuPrice(instanceType: string, market: string, onDemand: Map<string, number>): number {
    const od = onDemand.get(instanceType) ?? 0;
    if (market !== "spot") return od;
    const spec = ORCA_INSTANCES.find((i) => i.instanceType === instanceType);
    try {
      // Orca knows only on-demand list prices; spot comes from Koi's catalog (flagged as an estimate).
      return spec
        ? (lookupPrice({ gpuType: orcaToKoiGpu(spec.gpuType, spec.gpuMemoryGb), market: "spot" })?.pricePerGpuHour ??
            od)
        : od;
    } catch {
      return od;
    }
  }

  const orcaState = (a: TAssignmentRecord) => a.adapterState as TOrcaAdapterState;

  // Whether the engine takes prefill/decode splits, asked once it answers (Orca as published: no).
  let splitsRoles: boolean | null = null;
  async function engineSplitsRoles(): Promise<boolean> {
    splitsRoles ??= (await api.koiCapabilities()).includes("pd_disaggregation");
    return splitsRoles;
  }

  async function liveReplicas(jobId: string) {
    return (await api.replicas(jobId)).replicas.filter((r) => LIVE_PHASES.has(r.phase));
  }

  function configFrom(
    payload: { gpuType?: string; tp?: number; pp?: number; market?: string },
    current: TOrcaConfig,
  ): TOrcaConfig | string {
    const gpuType = payload.gpuType === undefined ? current.gpuType : KOI_TO_ORCA_GPU[payload.gpuType];
    if (!gpuType) return `Orca cannot launch ${payload.gpuType}`;
    const market = payload.market === undefined ? current.market : koiToOrcaMarket(payload.market);
    if (!market) return `Orca cannot launch ${payload.market} capacity`;
    return { gpuType, tp: payload.tp ?? current.tp, pp: payload.pp ?? current.pp, market };
  }

  /**
   * Sets the live replica count: scale up with an explicit config (never Orca's tp=1 inference), or
   * kill the newest. Says what it did and which replicas Orca added.
   */
  async function setReplicaCount(
    jobId: string,
    count: number,
    config: TOrcaConfig,
  ): Promise<{ detail: string; added: string[] }> {
    const live = await liveReplicas(jobId);
    if (count > live.length) {
      const result = await api.scale(jobId, {
        count: count - live.length,
        gpu_type: config.gpuType,
        tp_size: config.tp,
        pp_size: config.pp,
        planned_market: config.market,
        // An Orca older than planned_market reads only this; a newer one takes planned_market first.
        on_demand: config.market === "on_demand",
        force: true,
      });
      if (result.status === "confirm") throw new Error(`Orca asks to confirm the scale: ${result.message}`);
      const detail = `added ${result.new_replicas.length} replica(s): ${result.new_replicas.join(", ")}`;
      return { detail, added: result.new_replicas };
    }
    if (count < live.length) {
      const victims = killOrder(live)
        .slice(0, live.length - count)
        .map((r) => r.replica_id);
      const result = await api.kill(jobId, victims);
      const detail = `killed ${result.killed.length} replica(s) (${result.reclaimed} chunk(s) back to pending): ${result.killed.join(", ")}`;
      return { detail, added: [] };
    }
    return { detail: `already at ${count} live replica(s)`, added: [] };
  }

  async function execute(command: TCommand, assignment: TAssignmentRecord | undefined): Promise<TExecuteResult> {
    if (command.type === "deploy") {
      const split = isSplitDeploy(command);
      let splitRoles = false;
      try {
        splitRoles = split && (await engineSplitsRoles());
      } catch (error) {
        return { status: "failed", detail: `could not ask Orca about splits: ${describeError(error)}` };
      }
      const built = buildBatchedRequest(command, {
        userId: options.userId ?? "koi-agent",
        allowSyntheticInput: options.allowSyntheticInput ?? false,
        splitRoles,
      });
      if (!built.ok) return { status: "rejected", detail: built.reason };
      let response;
      try {
        response = await api.submit(built.body);
      } catch (error) {
        if (!(error instanceof EngineHttpError))
          return { status: "failed", detail: `submit outcome unknown: ${describeError(error)}`, outcomeUnknown: true };
        return {
          status: error.status === 422 ? "rejected" : "failed",
          detail: `submit failed: ${describeError(error)}`,
        };
      }
      if (response.status === "confirm")
        return { status: "failed", detail: `Orca asks to confirm: ${response.message}` };
      if (response.status === "error")
        return {
          status: response.error_type ? "rejected" : "failed",
          detail: `Orca refused the job: ${response.message}`,
        };
      const { placement } = command.payload;
      const config: TOrcaConfig = {
        gpuType: built.body.gpu_type!,
        tp: placement.tp,
        pp: placement.pp,
        market: built.body.planned_market!,
      };
      const state: TOrcaAdapterState = {
        jobId: response.job_id,
        config,
        submitted: config,
        ...(built.body.koi_pd_groups
          ? {
              groups: built.body.koi_pd_groups.map((g) => ({ gpuType: g.gpu_type, tp: g.tp_size, pp: g.pp_size })),
            }
          : {}),
        ...(built.body.koi_alternatives
          ? {
              alternatives: built.body.koi_alternatives.map((alt) => ({
                gpuType: alt.gpu_type,
                tp: alt.tp,
                pp: alt.pp,
              })),
            }
          : {}),
        ...(split ? { split: true } : {}),
        ...(built.body.chunks ? { chunks: built.body.chunks.length } : {}),
        usage: {},
      };
      const warnings = built.warnings.length > 0 ? `; ${built.warnings.join("; ")}` : "";
      return {
        status: "completed",
        detail: `launched ${response.job_id} (${response.config.instance_type}, ${response.replicas ?? placement.replicas} replica(s))${warnings}`,
        engineRef: response.job_id,
        state: "deploying",
        adapterState: state,
      };
    }
    if (!assignment) return { status: "rejected", detail: "unknown assignment" };
    const s = orcaState(assignment);
    if (s.split && ["scale", "swap", "pause", "resume"].includes(command.type))
      return {
        status: "rejected",
        detail: `a prefill/decode job cannot ${command.type}: Orca's scale and swap launch colocated replicas; Koi replans it instead`,
      };
    // /replicas of a restarted Orca is empty: a scale would add a full count beside the running replicas.
    if (s.forgotten && ["scale", "swap", "pause", "resume", "stop"].includes(command.type))
      return {
        status: "rejected",
        detail: `Orca restarted and no longer knows this job's replicas, so it cannot ${command.type} them; the job runs on from its chunk queue`,
      };
    try {
      switch (command.type) {
        case "scale": {
          const config = configFrom(command.payload, s.config);
          if (typeof config === "string") return { status: "rejected", detail: config };
          const wanted = command.payload.count;
          const count = s.chunks === undefined ? wanted : Math.min(wanted, s.chunks);
          const capped = count < wanted ? `; ${s.chunks} input chunk(s) feed at most ${count} replica(s)` : "";
          const { detail, added } = await setReplicaCount(s.jobId, count, config);
          return {
            status: "completed",
            detail: `${detail}${capped}`,
            adapterState: withScaledReplicas({ ...s, config, paused: null }, added, config.pp),
          };
        }
        case "swap": {
          const config = configFrom(command.payload, s.config);
          if (typeof config === "string") return { status: "rejected", detail: config };
          if (config.pp > 4) return { status: "rejected", detail: "Orca accepts pp_size 1–4" };
          const live = await liveReplicas(s.jobId);
          // force:true is required: without it Orca's handler raises TypeError and answers 500.
          const result = await api.swap(s.jobId, {
            gpu_type: config.gpuType,
            tp_size: config.tp,
            pp_size: config.pp,
            num_replicas: command.payload.replicas ?? Math.max(1, live.length),
            planned_market: config.market,
            // As for scale: an Orca older than planned_market reads only this.
            on_demand: config.market === "on_demand",
            force: true,
          });
          return {
            status: "completed",
            detail: `swapping ${result.old_replicas.length} replica(s) for ${result.new_replicas.join(", ")}`,
            adapterState: withScaledReplicas({ ...s, config }, result.new_replicas, config.pp),
          };
        }
        case "pause": {
          const live = await liveReplicas(s.jobId);
          // Orca has no pause: kill every replica (their chunks go back to pending) and remember how many there were.
          const detail = live.length > 0 ? (await setReplicaCount(s.jobId, 0, s.config)).detail : "no live replicas";
          return {
            status: "completed",
            detail,
            state: "paused",
            adapterState: { ...s, paused: { count: Math.max(live.length, 1), config: s.config } },
          };
        }
        case "resume": {
          if (!s.paused) return { status: "completed", detail: "not paused" };
          const { detail, added } = await setReplicaCount(s.jobId, s.paused.count, s.paused.config);
          return {
            status: "completed",
            detail,
            state: "deploying",
            adapterState: withScaledReplicas({ ...s, paused: null }, added, s.paused.config.pp),
          };
        }
        case "stop": {
          const live = await liveReplicas(s.jobId);
          const detail = live.length > 0 ? (await setReplicaCount(s.jobId, 0, s.config)).detail : "no live replicas";
          return { status: "completed", detail, state: "stopped", adapterState: { ...s, stopped: true } };
        }
        case "set_routing":
        case "set_scaling":
          return { status: "rejected", detail: `${command.type} is a Tuna command` };
      }
    } catch (error) {
      const status = error instanceof EngineHttpError && error.status === 404 ? "rejected" : "failed";
      return { status, detail: describeError(error) };
    }
  }

  /** Seconds to bill since the last poll. */
  function elapsedSince(s: TOrcaAdapterState, now: number): number {
    return s.lastPollAt ? Math.min(MAX_BILLED_GAP_SECONDS, Math.max(0, (now - Date.parse(s.lastPollAt)) / 1000)) : 0;
  }

  function accrue(s: TOrcaAdapterState, rates: Record<string, TBilledRate>, elapsed: number) {
    const usage = structuredClone(s.usage);
    for (const [key, r] of Object.entries(rates)) {
      const line = (usage[key] ??= { component: r.component, gpuType: r.gpuType, seconds: 0, costUsd: 0 });
      line.seconds += elapsed * r.gpus;
      line.costUsd += (elapsed / 3600) * r.usdPerHour;
    }
    return usage;
  }

  /** Koi's commands override what Orca says while the job has not ended. */
  function commanded(s: TOrcaAdapterState, state: TAssignmentState): TAssignmentState {
    if (s.stopped) return "stopped";
    return s.paused && state !== "completed" && state !== "failed" ? "paused" : state;
  }

  /**
   * Orca keeps its jobs in memory and its chunk queue in Redis: a restarted Orca answers 404 for
   * every job, while the replicas of an unfinished one keep pulling chunks and send job_complete
   * at the end. Such a job runs on, billed at its replicas' last known rate while chunks are in
   * flight (no replica holds one once they are all gone); a job whose queue is gone or done
   * (it finished before the restart, and no webhook said so) is lost.
   */
  async function pollForgottenJob(s: TOrcaAdapterState): Promise<TPollResult> {
    if (s.completeSeen || completedJobs.has(s.jobId)) return { report: { state: "completed", usage: usageLines(s) } };
    const queue = await api.chunksProgress(s.jobId);
    if (!queue || queue.all_done) return { report: { state: "lost", usage: usageLines(s) } };
    const now = nowMs();
    const rates = queue.inflight > 0 ? (s.billedPerHour ?? {}) : {};
    const nextState: TOrcaAdapterState = {
      ...s,
      usage: accrue(s, rates, elapsedSince(s, now)),
      lastPollAt: new Date(now).toISOString(),
      forgotten: true,
    };
    if (!s.forgotten)
      options.logger.warn("Orca no longer knows the job (restarted?); its chunk queue runs on", {
        jobId: s.jobId,
        chunks: `${queue.completed}/${queue.total}`,
      });
    return {
      report: {
        state: commanded(s, "running"),
        progress: { completed: queue.completed, total: queue.total, unit: "chunks" },
        usage: usageLines(nextState),
      },
      adapterState: nextState,
    };
  }

  async function poll(assignment: TAssignmentRecord): Promise<TPollResult> {
    const s = orcaState(assignment);
    let job;
    try {
      job = await api.getJob(s.jobId);
    } catch (error) {
      if (error instanceof EngineHttpError && error.status === 404) return pollForgottenJob(s);
      throw error;
    }
    const [progress, replicas, aggregate, onDemand] = await Promise.all([
      api.chunksProgress(s.jobId),
      api.replicas(s.jobId),
      api.metrics(s.jobId),
      instancePrices(),
    ]);
    const running = replicas.replicas.filter((r) => r.phase === "running");
    let generation = aggregate?.avg_generation_throughput_toks_per_s ?? null;
    let prompt = aggregate?.avg_prompt_throughput_toks_per_s ?? null;
    if (aggregate && replicas.replicas.some((r) => ["killed", "swapped_out", "completed"].includes(r.phase))) {
      // Orca's aggregate keeps the last tok/s of removed replicas (C.3): sum the live ones instead.
      const per = await Promise.all(running.map((r) => api.replicaMetrics(s.jobId, r.replica_id)));
      generation = per.reduce((sum, m) => sum + (m?.avg_generation_throughput_toks_per_s ?? 0), 0);
      prompt = per.reduce((sum, m) => sum + (m?.avg_prompt_throughput_toks_per_s ?? 0), 0);
    }

    const now = nowMs();
    const rates: Record<string, TBilledRate> = {};
    for (const r of replicas.replicas) {
      if (!BILLED_PHASES.has(r.phase) || !r.instance_type) continue;
      const spec = ORCA_INSTANCES.find((i) => i.instanceType === r.instance_type);
      if (!spec) continue;
      const component = r.market === "spot" ? "spot" : "on-demand";
      const gpuType = orcaToKoiGpu(spec.gpuType, spec.gpuMemoryGb);
      const rate = (rates[`${component}|${gpuType}`] ??= { component, gpuType, gpus: 0, usdPerHour: 0 });
      const gpus =
        spec.gpus * machinesPerReplica(s, { replica_id: r.replica_id, instance_type: r.instance_type }, spec);
      rate.gpus += gpus;
      rate.usdPerHour += gpus * gpuPrice(r.instance_type, r.market ?? "on_demand", onDemand);
    }
    const nextState: TOrcaAdapterState = {
      ...s,
      usage: accrue(s, rates, elapsedSince(s, now)),
      billedPerHour: rates,
      lastPollAt: new Date(now).toISOString(),
      // Once in the assignment's state the job needs no place here: the set stays small in a long-lived agent.
      ...(completedJobs.delete(s.jobId) ? { completeSeen: true } : {}),
    };
    const state = commanded(s, stateFromOrca(job.status, running.length));
    const live = replicas.replicas.filter((r) => !ORCA_TERMINAL_REPLICA_PHASES.includes(r.phase)).length;
    const m = aggregate;
    const optional = (key: string, value: number | null | undefined) =>
      value === null || value === undefined || !Number.isFinite(value) ? {} : { [key]: value };
    return {
      report: {
        state,
        ...(progress
          ? { progress: { completed: progress.completed, total: progress.total, unit: "chunks" as const } }
          : {}),
        ...(generation !== null && prompt !== null
          ? {
              throughput: {
                tokensPerSecond: Math.max(0, generation + prompt),
                outputTokensPerSecond: Math.max(0, generation),
              },
            }
          : {}),
        ...optional(
          "gpuUtilPct",
          m?.gpu_sm_util_pct === null || m?.gpu_sm_util_pct === undefined
            ? null
            : Math.min(100, Math.max(0, m.gpu_sm_util_pct)),
        ),
        ...optional("batchSize", m?.num_requests_running),
        ...optional(
          "kvCacheHitRate",
          m?.prefix_cache_hit_rate === null || m?.prefix_cache_hit_rate === undefined
            ? null
            : Math.min(1, Math.max(0, m.prefix_cache_hit_rate)),
        ),
        ...optional("ttftMsP50", m?.ttft_ms_p50),
        ...optional("ttftMsP95", m?.ttft_ms_p95),
        ...optional("tpotMsP50", m?.tpot_ms_p50),
        ...optional("tpotMsP95", m?.tpot_ms_p95),
        replicas: { live, total: replicas.replicas.length },
        usage: usageLines(nextState),
      },
      adapterState: nextState,
    };
  }

  function usageLines(s: TOrcaAdapterState): TUsageLine[] {
    return Object.values(s.usage).map((u) => ({
      component: u.component,
      gpuType: u.gpuType,
      seconds: u.seconds,
      costUsd: Math.round(u.costUsd * 1e6) / 1e6,
      estimated: true,
    }));
  }

  return {
    kind: "orca",
    capabilities: ["swap", "spot", "scale", "pause", "chunked_batch", "webhooks"],
    acceptsDeploy: (command: TDeployCommand) => command.payload.workload.kind === "batch",
    detectCapabilities: async () => ((await engineSplitsRoles()) ? ["pd_disaggregation"] : []),
    async inventory() {
      const [resources, quota] = await Promise.all([api.resources(), api.quotaStatus().catch(() => null)]);
      return inventoryFromOrca(resources, quota);
    },
    execute,
    poll,
    async recoverInterruptedDeploy(command, startedAt, isOwned) {
      const { workload, placement } = command.payload;
      const split = isSplitDeploy(command);
      const built = buildBatchedRequest(command, {
        userId: options.userId ?? "koi-agent",
        allowSyntheticInput: options.allowSyntheticInput ?? false,
        splitRoles: split,
      });
      if (!built.ok) return null;
      const since = Date.parse(startedAt) / 1000 - 60;
      const { jobs } = await api.listJobs();
      const match = jobs
        .filter(
          (j) =>
            j.model_name === workload.model &&
            j.num_lines === workload.requests &&
            (j.created_at ?? 0) >= since &&
            !isOwned(j.job_id),
        )
        .sort((a, b) => (b.created_at ?? 0) - (a.created_at ?? 0))[0];
      if (!match) return null;
      const state: TOrcaAdapterState = {
        jobId: match.job_id,
        config: {
          gpuType: built.body.gpu_type!,
          tp: placement.tp,
          pp: placement.pp,
          market: built.body.planned_market!,
        },
        ...(split ? { split: true } : {}),
        usage: {},
      };
      return {
        status: "completed",
        detail: `recovered ${match.job_id}, submitted before the agent restarted`,
        engineRef: match.job_id,
        state: "deploying",
        adapterState: state,
      };
    },
    startWebhookListener: options.webhook
      ? (sink) =>
          startOrcaWebhookListener({ ...options.webhook!, logger: options.logger }, async (events) => {
            await sink(events);
            for (const e of events) if (e.type === "job_complete" && e.engineRef) completedJobs.add(e.engineRef);
          })
      : undefined,
  };
}
