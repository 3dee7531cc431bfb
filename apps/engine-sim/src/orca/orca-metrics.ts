import type { TJob, TReplica, TSnapshot } from "./orca-state.ts";

type TEngineLike = { now: number; config: { quirks: { inflatedMetricsAfterKill: boolean } } };

const SUMMED = [
  "avg_generation_throughput_toks_per_s",
  "avg_prompt_throughput_toks_per_s",
  "num_requests_running",
  "num_requests_waiting",
  "num_requests_swapped",
  "request_success_total",
  "num_preemptions_total",
  "generation_tokens_total",
  "prompt_tokens_total",
  "live_gen_tokens_total",
  "live_prompt_tokens_total",
] as const;
const COUNTERS = new Set([
  "request_success_total",
  "num_preemptions_total",
  "generation_tokens_total",
  "prompt_tokens_total",
  "live_gen_tokens_total",
  "live_prompt_tokens_total",
]);
const AVERAGED = [
  "gpu_cache_usage_perc",
  "ttft_ms_p50",
  "ttft_ms_p95",
  "ttft_ms_p99",
  "tpot_ms_p50",
  "tpot_ms_p95",
  "tpot_ms_p99",
  "prefix_cache_hit_rate",
  "gpu_sm_util_pct",
  "gpu_mem_bw_util_pct",
] as const;

/** The MetricsSnapshot a live replica's sidecar would push now (C.3). */
export function replicaSnapshot(engine: TEngineLike, job: TJob, r: TReplica): TSnapshot {
  const perf = r.perf!;
  const busy = r.current !== null;
  const partial = busy ? Math.max(0, engine.now - r.current!.startedAt) : 0;
  // The chunk's rate: a decode replica of a split runs below its own when prefill is the slower side.
  const scale = busy ? r.current!.tps / perf.tps : 1;
  const outputTps = perf.outputTps * scale;
  const promptTps = (perf.tps - perf.outputTps) * scale;
  const generation = r.counters.generation + partial * outputTps;
  const prompt = r.counters.prompt + partial * promptTps;
  return {
    job_id: job.id,
    replica_id: r.id,
    timestamp: engine.now,
    avg_generation_throughput_toks_per_s: busy ? outputTps : 0,
    avg_prompt_throughput_toks_per_s: busy ? promptTps : 0,
    gpu_cache_usage_perc: busy ? perf.kvCacheUsage : 0,
    num_requests_running: busy ? perf.batch : 0,
    num_requests_waiting: busy ? Math.round(perf.batch * 0.1) : 0,
    num_requests_swapped: 0,
    request_success_total: r.counters.requests,
    num_preemptions_total: 0,
    generation_tokens_total: Math.round(generation),
    prompt_tokens_total: Math.round(prompt),
    live_gen_tokens_total: Math.round(generation),
    live_prompt_tokens_total: Math.round(prompt),
    ttft_ms_p50: perf.ttftMs,
    ttft_ms_p95: perf.ttftMs * 1.6,
    ttft_ms_p99: perf.ttftMs * 2.2,
    tpot_ms_p50: perf.tpotMs,
    tpot_ms_p95: perf.tpotMs * 1.3,
    tpot_ms_p99: perf.tpotMs * 1.6,
    prefix_cache_hit_rate: perf.prefixCacheHitRate,
    gpu_sm_util_pct: busy ? perf.smUtilPct : 3,
    gpu_mem_bw_util_pct: busy ? perf.memBwUtilPct : 2,
  };
}

export function retireSnapshot(engine: TEngineLike, job: TJob, r: TReplica): TSnapshot {
  return replicaSnapshot(engine, job, r);
}

/** `GET /job/{id}/replicas/{rid}/metrics`: live snapshot, or the last one of a stopped replica. */
export function replicaMetrics(engine: TEngineLike, job: TJob, r: TReplica): TSnapshot | null {
  if (!r.hasMetrics) return null;
  return r.phase === "running" ? replicaSnapshot(engine, job, r) : r.lastSnapshot;
}

/**
 * `GET /job/{id}/metrics`: sums and averages over live replicas, plus the last summed values of
 * killed, swapped-out and completed replicas — throughput gauges included, which is Orca's
 * inflated-after-kill behaviour (C.3) unless the quirk is switched off.
 */
export function aggregateMetrics(engine: TEngineLike, job: TJob): TSnapshot | null {
  const replicas = [...job.replicas.values()].filter((r) => r.hasMetrics);
  if (replicas.length === 0) return null;
  const live = replicas.filter((r) => r.phase === "running").map((r) => replicaSnapshot(engine, job, r));
  const retired = replicas
    .filter((r) => ["killed", "swapped_out", "completed"].includes(r.phase) && r.lastSnapshot)
    .map((r) => r.lastSnapshot!);
  const out: TSnapshot = { job_id: job.id, replica_id: null, timestamp: engine.now };
  for (const key of SUMMED) {
    const addBack = COUNTERS.has(key) || engine.config.quirks.inflatedMetricsAfterKill;
    const values = [...live, ...(addBack ? retired : [])].map((s) => Number(s[key] ?? 0));
    out[key] = values.reduce((a, b) => a + b, 0);
  }
  const basis = live.length > 0 ? live : retired;
  for (const key of AVERAGED) {
    const values = basis.map((s) => s[key]).filter((v): v is number => typeof v === "number");
    out[key] = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }
  return out;
}

/** `/job/complete` metrics: sums, averages and maxima of per-replica summaries (A.5). */
export function completeMetrics(engine: TEngineLike, job: TJob): Record<string, unknown> {
  const served = [...job.replicas.values()].filter((r) => r.hasMetrics && r.lastSnapshot);
  if (served.length === 0) return {};
  const completed = job.chunks.filter((c) => c.state === "completed").reduce((s, c) => s + c.lines, 0);
  const skipped = job.chunks.filter((c) => c.state === "failed").reduce((s, c) => s + c.lines, 0);
  const runtime = engine.now - job.deployedAt;
  const mean = (key: string) => served.reduce((s, r) => s + Number(r.lastSnapshot![key] ?? 0), 0) / served.length;
  const tps = served.reduce((s, r) => s + (r.perf?.tps ?? 0), 0);
  const outTps = served.reduce((s, r) => s + (r.perf?.outputTps ?? 0), 0);
  const first = served[0]!;
  return {
    num_requests_total: job.numLines,
    num_requests_completed: completed,
    num_requests_skipped: skipped,
    total_input_tokens: completed * job.avgIn,
    total_output_tokens: completed * job.avgOut,
    total_tokens: completed * (job.avgIn + job.avgOut),
    num_preemptions: 0,
    throughput_tokens_per_sec: tps,
    throughput_output_tokens_per_sec: outTps,
    throughput_input_tokens_per_sec: tps - outTps,
    throughput_requests_per_sec: outTps / job.avgOut,
    ttft_ms_p50: mean("ttft_ms_p50"),
    ttft_ms_p95: mean("ttft_ms_p95"),
    tpot_ms_p50: mean("tpot_ms_p50"),
    tpot_ms_p95: mean("tpot_ms_p95"),
    prefix_cache_hit_rate: mean("prefix_cache_hit_rate"),
    avg_sm_util_pct: mean("gpu_sm_util_pct"),
    total_runtime_sec: runtime,
    model_name: job.model,
    instance_type: first.instanceType,
    gpu_name: first.configs[first.attempt]!.gpuType,
    tensor_parallel_size: first.configs[first.attempt]!.tp,
    pipeline_parallel_size: first.configs[first.attempt]!.pp,
    num_replicas: served.length,
  };
}
