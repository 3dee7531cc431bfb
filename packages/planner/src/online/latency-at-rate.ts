import type { TReplicaProfile } from "./profile-replica.ts";

export type TLatencyTargets = { ttftP95Ms: number; tpotP95Ms: number };

export type TRateLatency = {
  /** Mean requests in flight (Little's law on the profile's rate curve). */
  concurrency: number;
  /** Concurrency a request's decode steps see at the 95th percentile. */
  concurrencyP95: number;
  ttftP95Ms: number;
  tpotP95Ms: number;
  /** Arrivals at or beyond the most the replica finishes per second: the queue grows without bound. */
  saturated: boolean;
};

const Z95 = 1.6448536269514722;

/** Linear interpolation of ys over ascending xs, clamped at both ends. */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]!) return ys[0]!;
  const last = xs.length - 1;
  if (x >= xs[last]!) return ys[last]!;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const t = (x - xs[lo]!) / (xs[hi]! - xs[lo]!);
  return ys[lo]! + t * (ys[hi]! - ys[lo]!);
}

/** Probability an arrival waits in an M/M/c queue with offered load a < c (Erlang C, via Erlang B). */
function erlangC(servers: number, load: number): number {
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (load * b) / (k + load * b);
  return (servers * b) / (servers - load * (1 - b));
}

/**
 * p95 latencies of one replica fed Poisson arrivals at `rps`.
 *
 * - Batching: the mean concurrency is where the profile's finished-request rate equals the
 *   arrival rate. In-flight requests are Poisson around that mean; a request's TPOT is the mean
 *   step time over its own life, which averages the fluctuation over about one residence time and
 *   halves its variance, so its p95 is read at mean + 1.645·√(mean/2).
 * - Queueing: TTFT is the profile's p95 (lone prefill + the step in flight + queueing behind the
 *   other prompts' prefill chunks) plus the wait for a free batch slot, an M/M/c wait with one
 *   "server" per slot, the mean concurrency as offered load and the full-batch rate as drain rate.
 */
export function latencyAtRate(profile: TReplicaProfile, rps: number): TRateLatency {
  if (!profile.fits) throw new Error("latencyAtRate needs a replica that fits");
  const last = profile.batch.length - 1;
  const maxBatch = profile.batch[last]!;
  const maxRps = profile.rps[last]!;
  if (rps >= maxRps)
    return {
      concurrency: maxBatch,
      concurrencyP95: maxBatch,
      ttftP95Ms: Infinity,
      tpotP95Ms: profile.tpotP95Ms[last]!,
      saturated: true,
    };
  const lone = profile.rps[0]!;
  const concurrency = rps <= lone ? rps / lone : interpolate(profile.rps, profile.batch, rps);
  const concurrencyP95 = Math.min(maxBatch, concurrency + Z95 * Math.sqrt(concurrency / 2));
  // Far below the slot count the chance of finding every slot busy is negligible (a 5σ Poisson tail).
  const nearFull = concurrency + 5 * Math.sqrt(concurrency) >= maxBatch;
  const waitProbability = nearFull ? erlangC(maxBatch, concurrency) : 0;
  const waitP95S = waitProbability > 0.05 ? Math.log(waitProbability / 0.05) / (maxRps - rps) : 0;
  return {
    concurrency,
    concurrencyP95,
    ttftP95Ms: interpolate(profile.batch, profile.ttftP95Ms, Math.max(1, concurrency)) + waitP95S * 1000,
    tpotP95Ms: interpolate(profile.batch, profile.tpotP95Ms, Math.max(1, concurrencyP95)),
    saturated: false,
  };
}

export type TSustainedRate = {
  /** The highest arrival rate whose p95 TTFT and TPOT both stay within the targets; 0 when none does. */
  rps: number;
  /** What stops a higher rate: a latency target, or the replica's throughput itself. */
  binding: "ttft" | "tpot" | "throughput";
  /** Latency at that rate, and at the lightest load (the best this replica can do). */
  atRate: TRateLatency;
  idle: TRateLatency;
};

export function meetsTargets(latency: TRateLatency, targets: TLatencyTargets): boolean {
  return !latency.saturated && latency.ttftP95Ms <= targets.ttftP95Ms && latency.tpotP95Ms <= targets.tpotP95Ms;
}

const sustainedCache = new WeakMap<TReplicaProfile, Map<string, TSustainedRate>>();

/** The rate one replica sustains inside the targets (latencies only grow with the rate: bisection). */
export function sustainedRate(profile: TReplicaProfile, targets: TLatencyTargets): TSustainedRate {
  const key = `${targets.ttftP95Ms}|${targets.tpotP95Ms}`;
  let byTargets = sustainedCache.get(profile);
  if (!byTargets) {
    byTargets = new Map();
    sustainedCache.set(profile, byTargets);
  }
  const hit = byTargets.get(key);
  if (hit) return hit;
  const result = bisectRate(profile, targets);
  byTargets.set(key, result);
  return result;
}

function bisectRate(profile: TReplicaProfile, targets: TLatencyTargets): TSustainedRate {
  const maxRps = profile.rps.at(-1)!;
  const idle = latencyAtRate(profile, maxRps * 1e-6);
  if (!meetsTargets(idle, targets))
    return { rps: 0, binding: idle.tpotP95Ms > targets.tpotP95Ms ? "tpot" : "ttft", atRate: idle, idle };
  let lo = maxRps * 1e-6;
  let hi = maxRps;
  for (let i = 0; i < 50 && hi - lo > maxRps * 1e-6; i++) {
    const mid = (lo + hi) / 2;
    if (meetsTargets(latencyAtRate(profile, mid), targets)) lo = mid;
    else hi = mid;
  }
  const atRate = latencyAtRate(profile, lo);
  const beyond = latencyAtRate(profile, Math.min(maxRps, hi * 1.0001));
  const binding = beyond.saturated ? "throughput" : beyond.tpotP95Ms > targets.tpotP95Ms ? "tpot" : "ttft";
  return { rps: lo, binding, atRate, idle };
}
