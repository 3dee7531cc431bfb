import { findModel, TP_DEGREES } from "@koi/catalog";
import { predictPerformance } from "../perf/predict-performance.ts";
import { buildCandidates } from "../select/build-candidates.ts";

const batchCache = new Map<string, number>();
const onlineCache = new Map<string, number>();

/** Perf-model tokens/s (input + output) of one TP replica at full batch; 0 when it does not fit. */
export function batchTokensPerSecond(
  model: string,
  gpu: string,
  tp: number,
  inputTokens: number,
  outputTokens: number,
): number {
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
 * Requests/s one replica sustains inside the latency SLO, from the optimiser's own candidate
 * figures (largest batch whose p95 TTFT and TPOT meet the targets), so the simulator's serving
 * capacity is exactly what the plans were made for.
 */
export function onlineReplicaRps(
  model: string,
  gpu: string,
  tp: number,
  inputTokens: number,
  outputTokens: number,
  ttftMs: number,
  tpotMs: number,
): number {
  const key = `${model}|${gpu}|${tp}|${inputTokens}|${outputTokens}|${ttftMs}|${tpotMs}`;
  let v = onlineCache.get(key);
  if (v === undefined) {
    const report = buildCandidates({
      workload: {
        kind: "online",
        model,
        avgInputTokens: inputTokens,
        avgOutputTokens: outputTokens,
        requestsPerSecond: 1,
        ttftP95Ms: ttftMs,
        tpotP95Ms: tpotMs,
      },
      model: findModel(model),
      pools: [{ id: "probe", gpuType: gpu, market: "spot", available: 8, pricePerGpuHour: 1 }],
      tpChoices: [tp],
      ppChoices: [1],
      roles: ["both"],
      risk: "p50",
    });
    v = report.candidates[0]?.rate ?? 0;
    onlineCache.set(key, v);
  }
  return v;
}

/** Spot Advisor band ("% of instances reclaimed over the trailing month") → hazard per hour. */
export function spotHazardPerHour(monthlyReclaimFraction: number): number {
  return -Math.log(1 - monthlyReclaimFraction) / (30 * 24);
}

/** The TP degree with the most tokens/s per GPU for a batch job on a GPU type, or null. */
export function bestBatchShape(
  model: string,
  gpu: string,
  inputTokens: number,
  outputTokens: number,
): { tp: number; tokensPerSecond: number } | null {
  let best: { tp: number; tokensPerSecond: number } | null = null;
  for (const tp of TP_DEGREES) {
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
  for (const tp of TP_DEGREES) {
    const rps = onlineReplicaRps(
      spec.model,
      gpu,
      tp,
      spec.inputTokens,
      spec.outputTokens,
      spec.ttftP95Ms,
      spec.tpotP95Ms,
    );
    if (rps > 0 && (best === null || rps / tp > best.rps / best.tp)) best = { tp, rps };
  }
  return best;
}

/** The highest per-minute load in the trace: what a fleet "sized for peak" must carry. */
export function peakLoad(service: { loadRps: Float64Array }): number {
  let max = 0;
  for (const l of service.loadRps) max = Math.max(max, l);
  return max;
}
