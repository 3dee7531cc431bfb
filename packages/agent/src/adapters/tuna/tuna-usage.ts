import type { TTunaRouteStatsFull } from "@koi/contracts";

/** The route_stats counters that add up over time (the rest are derived or windowed). */
export const CUMULATIVE_KEYS = [
  "total",
  "spot",
  "serverless",
  "rejected",
  "gpu_seconds_spot",
  "gpu_seconds_serverless",
  "uptime_seconds",
  "spot_ready_seconds",
] as const;
export type TStatsVector = Record<(typeof CUMULATIVE_KEYS)[number], number>;

export const ZERO_STATS: TStatsVector = Object.fromEntries(CUMULATIVE_KEYS.map((k) => [k, 0])) as TStatsVector;

export function vectorOf(stats: TTunaRouteStatsFull): TStatsVector {
  return Object.fromEntries(CUMULATIVE_KEYS.map((k) => [k, stats[k]])) as TStatsVector;
}

export type TRouterBaseline = {
  /** Router counters when the assignment attached (or when the router last restarted). */
  base: TStatsVector;
  /** Totals carried over from router processes that have since restarted. */
  carry: TStatsVector;
  /** The raw counters seen at the previous poll. */
  last: TStatsVector;
};

export function attachBaseline(stats: TTunaRouteStatsFull): TRouterBaseline {
  const v = vectorOf(stats);
  return { base: v, carry: { ...ZERO_STATS }, last: v };
}

/**
 * Counters since the assignment attached, surviving router restarts: route_stats live in the
 * router's memory, so a restart zeroes them (uptime goes backwards). The totals of the dead
 * process are carried and the new process counts from zero.
 */
export function advanceBaseline(
  baseline: TRouterBaseline,
  stats: TTunaRouteStatsFull,
): { baseline: TRouterBaseline; since: TStatsVector } {
  const raw = vectorOf(stats);
  let { base, carry } = baseline;
  if (raw.uptime_seconds < baseline.last.uptime_seconds || raw.total < baseline.last.total) {
    carry = Object.fromEntries(
      CUMULATIVE_KEYS.map((k) => [k, carry[k] + Math.max(0, baseline.last[k] - base[k])]),
    ) as TStatsVector;
    base = { ...ZERO_STATS };
  }
  const since = Object.fromEntries(
    CUMULATIVE_KEYS.map((k) => [k, carry[k] + Math.max(0, raw[k] - base[k])]),
  ) as TStatsVector;
  return { baseline: { base, carry, last: raw }, since };
}

/**
 * The longest mean time a routed request can plausibly take. Tuna's router reads upstream with a
 * 210 s timeout; in nanoseconds, a mean under this would mean requests shorter than 4 µs.
 */
const MAX_SECONDS_PER_REQUEST = 3600;

/**
 * `gpu_seconds_*` in seconds. Tuna documents them as seconds, but its FastAPI router sums
 * `time.perf_counter_ns()` differences, i.e. nanoseconds, so billed as seconds one minute of chat
 * traffic costs millions. Per backend, a mean beyond any request's length can only be nanoseconds.
 */
export function inSeconds(v: TStatsVector): TStatsVector {
  const scaled = (sum: number, requests: number) =>
    requests > 0 && sum / requests > MAX_SECONDS_PER_REQUEST ? sum / 1e9 : sum;
  return {
    ...v,
    gpu_seconds_spot: scaled(v.gpu_seconds_spot, v.spot),
    gpu_seconds_serverless: scaled(v.gpu_seconds_serverless, v.serverless),
  };
}

/**
 * Serverless usage as a counter that only grows. Tuna estimates it as serverless requests × the mean
 * spot request so far (`tuna cost`, D.2); that mean moves, so the product can fall, and Koi reads a
 * falling counter as a restart and counts it all again. Each poll's new serverless requests are
 * priced at the mean of that moment instead; requests seen before any spot request (no mean yet)
 * wait, unpriced, for the first one.
 */
export type TServerlessAccrual = { requests: number; unpriced: number; seconds: number; costUsd: number };

export const NO_SERVERLESS: TServerlessAccrual = { requests: 0, unpriced: 0, seconds: 0, costUsd: 0 };

export function accrueServerless(
  prev: TServerlessAccrual,
  serverlessRequests: number,
  secondsPerRequest: number,
  pricePerGpuHour: number,
): TServerlessAccrual {
  const pending = prev.unpriced + Math.max(0, serverlessRequests - prev.requests);
  if (secondsPerRequest <= 0) return { ...prev, requests: serverlessRequests, unpriced: pending };
  const seconds = pending * secondsPerRequest;
  return {
    requests: serverlessRequests,
    unpriced: 0,
    seconds: prev.seconds + seconds,
    costUsd: prev.costUsd + (seconds / 3600) * pricePerGpuHour,
  };
}
