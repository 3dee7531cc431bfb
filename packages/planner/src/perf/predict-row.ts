import { tryFindGpu, UnknownNameError } from "@koi/catalog";
import { FITTED_COEFFICIENTS } from "./fitted-coefficients.ts";
import type { TPerfCoefficients, TPerfMetric, TLogErrorQuantiles } from "./perf-coefficients.ts";
import type { TPerfRow, TPerfRowKind } from "./parse-perf-rows.ts";
import {
  decodeRound,
  fullBatch,
  jobSeconds,
  loneTtftSeconds,
  prefillSeconds,
  type TTimingContext,
} from "./replica-timing.ts";
import { resolveDeployment } from "./resolve-deployment.ts";

// What one row of measured-run format predicts, with the meaning of each `kind` as in
// packages/planner/data/README.md.

export type TRowPrediction = {
  tokensPerSecond: number | null;
  ttftMs: number | null;
  tpotMs: number | null;
  jobSeconds: number | null;
  /** P10–P90 of the row's main metric (MAIN_METRIC), from the model's cross-validated errors. */
  band: { p10: number; p90: number } | null;
};

export type TRowResult = TRowPrediction | { error: string };

/** The metric a kind is measured by; the band is a band of this one. */
export const MAIN_METRIC: Record<TPerfRowKind, TPerfMetric> = {
  offline_batch: "tokensPerSecond",
  static_batch: "tpotMs",
  decode_sweep: "tpotMs",
  prefill_sweep: "ttftMs",
};

/** Measured metrics each kind is checked on (packages/planner/data/README.md, "What to compare"). */
export const CHECKED_METRICS: Record<TPerfRowKind, readonly TPerfMetric[]> = {
  offline_batch: ["tokensPerSecond"],
  static_batch: ["ttftMs", "tpotMs"],
  decode_sweep: ["tpotMs"],
  prefill_sweep: ["ttftMs"],
};

/** Settings the sources' methods fix (data README): Orca's runs used gpu_memory_utilization 0.85. */
const SOURCE_MEMORY_UTILIZATION: Record<string, number> = { "orca-perf-db": 0.85, "orca-vllm-runs": 0.85 };

/** GPUs with measured rows: predictions elsewhere rest on spec sheets alone and get a wider band. */
export const GPUS_IN_DATA = new Set(["L40S", "A10G", "A100-80GB", "H100-SXM", "H200"]);
/** How much wider the band is for a GPU without measured rows (est.: one more unknown factor). */
const UNSEEN_GPU_BAND_WIDENING = 1.5;

/** P10–P90 around a predicted `metric` from the cross-validated error spread; wider off the data's GPUs. */
export function errorBand(
  metric: TPerfMetric,
  value: number,
  gpu: string,
  quantiles: Partial<Record<TPerfMetric, TLogErrorQuantiles>> = FITTED_COEFFICIENTS.logErrorQuantiles,
): TRowPrediction["band"] {
  const q = quantiles[metric];
  if (!q) return null;
  const widen = GPUS_IN_DATA.has(gpu) ? 1 : UNSEEN_GPU_BAND_WIDENING;
  // Quantiles are of ln(measured ÷ predicted); P10 ≤ 0 ≤ P90 always holds once widened around 0.
  const lo = Math.min(0, q.p10) * widen;
  const hi = Math.max(0, q.p90) * widen;
  return { p10: value * Math.exp(lo), p90: value * Math.exp(hi) };
}

/** Raw predictions of one row (no band); throws nothing: an unmodellable row gets `{error}`. */
export function predictRow(
  row: TPerfRow,
  coefficients: TPerfCoefficients = FITTED_COEFFICIENTS.coefficients,
  quantiles: Partial<Record<TPerfMetric, TLogErrorQuantiles>> = FITTED_COEFFICIENTS.logErrorQuantiles,
): TRowResult {
  let resolved;
  try {
    resolved = resolveDeployment(
      {
        model: row.model,
        gpu: row.gpu,
        tp: row.tp,
        pp: row.pp,
        nodes: row.nodes,
        interconnect: row.interconnect,
        precision: row.precision,
        engine: row.engine ?? "vllm",
        cudaGraphs: row.cudaGraphs,
        maxNumSeqs: row.maxNumSeqs,
        memoryUtilization:
          row.memoryUtilization ?? (row.source ? SOURCE_MEMORY_UTILIZATION[row.source.toLowerCase()] : undefined),
      },
      coefficients,
    );
  } catch (error) {
    if (error instanceof UnknownNameError) return { error: error.message };
    throw error;
  }
  if (!resolved.ok) return { error: resolved.reason };
  const d = resolved.deployment;
  const nIn = row.inputTokens;
  const nOut = row.outputTokens ?? 0;
  if (nIn + nOut > d.model.maxContext)
    return { error: `${nIn + nOut} tokens exceed ${d.model.id}'s ${d.model.maxContext}-token context` };
  if (d.kvTokens < nIn + Math.max(1, nOut))
    return { error: `not enough KV cache for one ${nIn + nOut}-token sequence` };
  const t: TTimingContext = { d, c: coefficients, inputTokens: nIn, outputTokens: nOut };
  const gpu = tryFindGpu(row.gpu)?.id ?? row.gpu;
  const finish = (p: Omit<TRowPrediction, "band">): TRowPrediction => {
    const main = p[MAIN_METRIC[row.kind]];
    return { ...p, band: main === null ? null : errorBand(MAIN_METRIC[row.kind], main, gpu, quantiles) };
  };

  switch (row.kind) {
    case "offline_batch": {
      const requests = row.requests ?? 1;
      const seconds = jobSeconds(t, requests);
      const batch = fullBatch(t, requests);
      return finish({
        tokensPerSecond: (requests * (nIn + nOut)) / seconds,
        ttftMs: (loneTtftSeconds(t) + prefillSeconds(t, batch) - prefillSeconds(t, 1)) * 1000,
        tpotMs: decodeRound(t, batch).seconds * 1000,
        jobSeconds: seconds,
      });
    }
    case "static_batch": {
      const seqs = row.concurrency ?? 1;
      const ttftS = coefficients.requestMs / 1e3 + prefillSeconds(t, seqs);
      const tpotS = decodeRound(t, Math.min(seqs, Math.max(1, fullBatch(t)))).seconds;
      const e2e = ttftS + nOut * tpotS;
      return finish({
        tokensPerSecond: (seqs * (nIn + nOut)) / e2e,
        ttftMs: ttftS * 1000,
        tpotMs: tpotS * 1000,
        jobSeconds: e2e,
      });
    }
    case "decode_sweep": {
      const seqs = row.concurrency ?? 1;
      const tpotS = decodeRound(t, seqs, nIn + nOut / 2).seconds;
      return finish({ tokensPerSecond: seqs / tpotS, ttftMs: null, tpotMs: tpotS * 1000, jobSeconds: null });
    }
    case "prefill_sweep": {
      const ttftS = loneTtftSeconds(t);
      return finish({ tokensPerSecond: nIn / ttftS, ttftMs: ttftS * 1000, tpotMs: null, jobSeconds: null });
    }
  }
}
