import { predictPerformance } from "../perf/predict-performance.ts";

const batchCache = new Map<string, number>();
const onlineCache = new Map<string, number>();
const BATCHES = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256];

/** Perf-model tokens/s (input + output) of one TP replica at full batch; 0 when it does not fit. */
export function batchTokensPerSecond(model: string, gpu: string, tp: number, inputTokens: number, outputTokens: number): number {
  const key = `${model}|${gpu}|${tp}|${inputTokens}|${outputTokens}`;
  let v = batchCache.get(key);
  if (v === undefined) {
    const p = predictPerformance({ model, gpu, tp, inputTokens, outputTokens });
    v = p.fits ? p.tokensPerSecond : 0;
    batchCache.set(key, v);
  }
  return v;
}

/**
 * Requests/s one replica sustains inside the latency SLO: the largest batch whose predicted TPOT
 * and TTFT stay within it. The simulator uses this as the serving capacity of online replicas.
 */
export function onlineReplicaRps(model: string, gpu: string, tp: number, inputTokens: number, outputTokens: number, ttftMs: number, tpotMs: number): number {
  const key = `${model}|${gpu}|${tp}|${inputTokens}|${outputTokens}|${ttftMs}|${tpotMs}`;
  let v = onlineCache.get(key);
  if (v === undefined) {
    v = 0;
    for (const batch of BATCHES) {
      const p = predictPerformance({ model, gpu, tp, inputTokens, outputTokens, batch });
      if (!p.fits || p.batch < batch) break;
      if (p.tpotMs <= tpotMs && p.ttftMs <= ttftMs) v = Math.max(v, p.requestsPerSecond);
    }
    onlineCache.set(key, v);
  }
  return v;
}

/** Spot Advisor band ("% of instances reclaimed over the trailing month") → hazard per hour. */
export function spotHazardPerHour(monthlyReclaimFraction: number): number {
  return -Math.log(1 - monthlyReclaimFraction) / (30 * 24);
}

const TPS = [1, 2, 4, 8];

/** The TP degree with the most tokens/s per GPU for a batch job on a GPU type, or null. */
export function bestBatchShape(model: string, gpu: string, inputTokens: number, outputTokens: number): { tp: number; tokensPerSecond: number } | null {
  let best: { tp: number; tokensPerSecond: number } | null = null;
  for (const tp of TPS) {
    const tps = batchTokensPerSecond(model, gpu, tp, inputTokens, outputTokens);
    if (tps > 0 && (best === null || tps / tp > best.tokensPerSecond / best.tp)) best = { tp, tokensPerSecond: tps };
  }
  return best;
}

/** The TP degree with the most in-SLO requests/s per GPU for an online service, or null. */
export function bestOnlineShape(
  spec: { model: string; inputTokens: number; outputTokens: number; ttftP95Ms: number; tpotP95Ms: number },
  gpu: string,
): { tp: number; rps: number } | null {
  let best: { tp: number; rps: number } | null = null;
  for (const tp of TPS) {
    const rps = onlineReplicaRps(spec.model, gpu, tp, spec.inputTokens, spec.outputTokens, spec.ttftP95Ms, spec.tpotP95Ms);
    if (rps > 0 && (best === null || rps / tp > best.rps / best.tp)) best = { tp, rps };
  }
  return best;
}
