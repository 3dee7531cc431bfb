import parsePrometheusTextFormat, { type TPromFamily } from "parse-prometheus-text-format";

/**
 * What Koi reads from a vLLM server's /metrics (Prometheus text), summed over its series (one per
 * model / engine). vLLM renamed two metrics in its V1 engine; both names are read.
 */
export type TVllmScrape = {
  running: number;
  waiting: number;
  /** null when the server exposes no KV-cache gauge. */
  kvCacheUsage: number | null;
  promptTokens: number;
  generationTokens: number;
  requestsFinished: number;
  /** Cumulative bucket counts by upper bound (seconds, +Inf last). */
  ttft: THistogram;
  tpot: THistogram;
  e2e: THistogram;
  /**
   * Which server process answered: its `process_start_time_seconds` (prometheus_client's process
   * collector, on a vLLM that serves /metrics from one process), null when it does not say.
   * SkyServe's load balancer answers each GET /metrics from any one replica, so two reads of the
   * spot URL are only comparable when they came from the same process.
   */
  instance: number | null;
};
export type THistogram = { le: number; count: number }[];

const NAMES = {
  running: ["vllm:num_requests_running"],
  waiting: ["vllm:num_requests_waiting"],
  kv: ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"],
  prompt: ["vllm:prompt_tokens_total"],
  generation: ["vllm:generation_tokens_total"],
  success: ["vllm:request_success_total"],
  ttft: ["vllm:time_to_first_token_seconds"],
  tpot: ["vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds"],
  e2e: ["vllm:e2e_request_latency_seconds"],
  started: ["process_start_time_seconds"],
};

function family(families: TPromFamily[], names: readonly string[]): TPromFamily | undefined {
  for (const name of names) {
    // The parser keeps a counter's `_total` in its name only when the TYPE line has it.
    const found = families.find((f) => f.name === name || f.name === name.replace(/_total$/, ""));
    if (found) return found;
  }
  return undefined;
}

function sum(families: TPromFamily[], names: readonly string[]): number | null {
  const f = family(families, names);
  if (!f) return null;
  return f.metrics.reduce((s, m) => s + ("value" in m ? Number(m.value) || 0 : 0), 0);
}

function max(families: TPromFamily[], names: readonly string[]): number | null {
  const f = family(families, names);
  if (!f || f.metrics.length === 0) return null;
  return Math.max(...f.metrics.map((m) => ("value" in m ? Number(m.value) || 0 : 0)));
}

function histogram(families: TPromFamily[], names: readonly string[]): THistogram {
  const f = family(families, names);
  const byLe = new Map<number, number>();
  for (const m of f?.metrics ?? []) {
    if (!("buckets" in m)) continue;
    for (const [le, count] of Object.entries(m.buckets)) {
      const bound = le === "+Inf" ? Infinity : Number(le);
      byLe.set(bound, (byLe.get(bound) ?? 0) + Number(count));
    }
  }
  return [...byLe.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

export function readVllmMetrics(text: string): TVllmScrape {
  const families = parsePrometheusTextFormat(text);
  return {
    running: sum(families, NAMES.running) ?? 0,
    waiting: sum(families, NAMES.waiting) ?? 0,
    kvCacheUsage: max(families, NAMES.kv),
    promptTokens: sum(families, NAMES.prompt) ?? 0,
    generationTokens: sum(families, NAMES.generation) ?? 0,
    requestsFinished: sum(families, NAMES.success) ?? 0,
    ttft: histogram(families, NAMES.ttft),
    tpot: histogram(families, NAMES.tpot),
    e2e: histogram(families, NAMES.e2e),
    instance: max(families, NAMES.started),
  };
}

/** Bucket counts added since `before` (a restarted server's counters start over: then all of `after`). */
export function histogramDelta(before: THistogram | undefined, after: THistogram): THistogram {
  if (!before) return after;
  const prior = new Map(before.map((b) => [b.le, b.count]));
  const delta = after.map((b) => ({ le: b.le, count: b.count - (prior.get(b.le) ?? 0) }));
  return delta.some((b) => b.count < 0) ? after : delta;
}

/** Adds histograms bucket by bucket (backends share vLLM's bucket bounds). */
export function histogramSum(parts: readonly THistogram[]): THistogram {
  const byLe = new Map<number, number>();
  for (const h of parts) for (const b of h) byLe.set(b.le, (byLe.get(b.le) ?? 0) + b.count);
  return [...byLe.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/**
 * The q-quantile of the observations in cumulative buckets, interpolated linearly inside the
 * bucket it falls in, as Prometheus' histogram_quantile does; past the last finite bound, that
 * bound. null when the histogram holds no observation.
 */
export function histogramQuantile(q: number, buckets: THistogram): number | null {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lower;
      const inBucket = b.count - below;
      return inBucket > 0 ? lower + ((b.le - lower) * (rank - below)) / inBucket : b.le;
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}
