import type { TModelSpec } from "@koi/catalog";
import { predictPerformance } from "../perf/predict-performance.ts";
import type { TPrecision } from "../types.ts";

/** One replica of an online service: a model on a TP group of one GPU type, serving one request shape. */
export type TReplicaShape = {
  model: string | TModelSpec;
  gpu: string;
  tp: number;
  inputTokens: number;
  outputTokens: number;
  precision?: TPrecision;
  /** Measured ÷ modelled speed (1: the model is right); handed to the model as its calibration. */
  speed?: number;
};

/** The performance model's figures for one replica at each concurrency, from 1 to the most it holds. */
export type TReplicaProfile = {
  fits: boolean;
  /** Why it does not fit, when it does not. */
  reason?: string;
  /** Concurrencies the model was asked about, ascending from 1; figures in between are interpolated. */
  batch: readonly number[];
  /** Requests per second finished at that concurrency (rises with it). */
  rps: readonly number[];
  ttftP95Ms: readonly number[];
  tpotP95Ms: readonly number[];
};

const cache = new Map<string, TReplicaProfile>();

/** Concurrencies sampled: every one up to 16, then coarser (the curves flatten out), always the maximum. */
function sampledBatches(max: number): number[] {
  const out: number[] = [];
  for (let b = 1; b <= max; b += b < 16 ? 1 : b < 64 ? 4 : 16) out.push(b);
  if (out.at(-1) !== max) out.push(max);
  return out;
}

/**
 * The one place the online planner and its simulator ask the performance model anything: the
 * replica's rate and p95 latencies at each concurrency. Everything else (the latency at an arrival
 * rate, the rate that keeps the SLO) is derived from this profile, so a new performance model
 * changes only this function.
 */
export function profileReplica(shape: TReplicaShape): TReplicaProfile {
  const modelKey = typeof shape.model === "string" ? shape.model : shape.model.id;
  const speed = shape.speed ?? 1;
  const key = `${modelKey}|${shape.gpu}|${shape.tp}|${shape.inputTokens}|${shape.outputTokens}|${shape.precision ?? ""}|${speed}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const base = {
    model: shape.model,
    gpu: shape.gpu,
    tp: shape.tp,
    inputTokens: shape.inputTokens,
    outputTokens: shape.outputTokens,
    precision: shape.precision,
    calibration: speed,
  };
  const full = predictPerformance(base);
  let profile: TReplicaProfile;
  if (!full.fits) {
    profile = { fits: false, reason: full.reason, batch: [], rps: [], ttftP95Ms: [], tpotP95Ms: [] };
  } else {
    const batch = sampledBatches(full.batch);
    const points = batch.map((b) => predictPerformance({ ...base, batch: b }));
    profile = {
      fits: true,
      batch,
      rps: points.map((p) => p.requestsPerSecond),
      ttftP95Ms: points.map((p) => p.ttftP95Ms),
      tpotP95Ms: points.map((p) => p.tpotP95Ms),
    };
  }
  cache.set(key, profile);
  return profile;
}
