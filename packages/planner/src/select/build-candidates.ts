import { tryFindGpu, type TGpuSpec, type TModelSpec } from "@koi/catalog";
import type { TCalibrationTable } from "../perf/calibration.ts";
import { createPredictor, type TPerfInput, type TPerfResult } from "../perf/predict-performance.ts";
import { usableGpus, type TCapacityPool, type TMarket, type TPrecision, type TRole, type TWorkload } from "../types.ts";

/** One way to run a replica: a pool, a TP degree and a role, with what one replica delivers. */
export type TCandidate = {
  poolId: string;
  gpuType: string;
  market: TMarket;
  tp: number;
  role: TRole;
  /** Most replicas of this kind the pool can hold on its own. */
  maxCount: number;
  pricePerHour: number;
  /** Requests per second one replica sustains (online: within the latency targets). */
  rate: number;
  ttftP95Ms: number;
  tpotP95Ms: number;
  /** What makes two plans different in kind: GPU type, market and TP. */
  family: string;
};

export type TCandidateContext = {
  workload: TWorkload;
  model: TModelSpec;
  precision?: TPrecision;
  pools: readonly TCapacityPool[];
  tpChoices: readonly number[];
  roles: readonly TRole[];
  calibration?: TCalibrationTable;
};

/** Why pools produced no candidate; used to name the binding constraint. */
export type TCandidateReport = {
  candidates: TCandidate[];
  unknownGpus: string[];
  memoryMisfits: string[];
  latencyMisfits: string[];
  /** Replica kinds that fit and meet the SLO but need more GPUs than the pool has. */
  tooFewGpus: string[];
};

const PREFILL_UTILISATION_STEPS = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];

function familyOf(gpu: string, market: TMarket, tp: number): string {
  return `${gpu}|${market}|tp${tp}`;
}

/** Largest batch whose p95 latencies meet the targets, by bisection (both grow with batch). */
function largestBatchWithin(
  predict: (batch: number) => TPerfResult,
  maxBatch: number,
  ttftMs: number,
  tpotMs: number,
): TPerfResult | undefined {
  const meets = (r: TPerfResult) => r.tpotP95Ms <= tpotMs && r.ttftP95Ms <= ttftMs;
  const first = predict(1);
  if (!first.fits || !meets(first)) return undefined;
  let lo = 1;
  let hi = maxBatch;
  let best = first;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const r = predict(mid);
    if (meets(r)) {
      lo = mid;
      best = r;
    } else hi = mid - 1;
  }
  return best;
}

function replicaFigures(
  ctx: TCandidateContext,
  base: TPerfInput,
  role: TRole,
): Pick<TCandidate, "rate" | "ttftP95Ms" | "tpotP95Ms"> | "memory" | "latency" {
  const predict = createPredictor(base);
  const full = predict();
  if (!full.fits) return "memory";
  const w = ctx.workload;
  if (w.kind === "batch") return { rate: full.requestsPerSecond, ttftP95Ms: full.ttftP95Ms, tpotP95Ms: full.tpotP95Ms };
  if (role === "prefill") {
    // The decode side spends about one TPOT producing the first token; prefill gets the rest.
    const budgetMs = w.ttftP95Ms - w.tpotP95Ms;
    for (const rho of PREFILL_UTILISATION_STEPS) {
      const p95 = full.ttftMs * (1 + (3 * rho) / (2 * (1 - rho)));
      if (p95 <= budgetMs) return { rate: rho * full.requestsPerSecond, ttftP95Ms: p95 + w.tpotP95Ms, tpotP95Ms: 0 };
    }
    return "latency";
  }
  const ttftTarget = role === "decode" ? Number.POSITIVE_INFINITY : w.ttftP95Ms;
  const best = largestBatchWithin(predict, full.batch, ttftTarget, w.tpotP95Ms);
  if (!best) return "latency";
  return { rate: best.requestsPerSecond, ttftP95Ms: best.ttftP95Ms, tpotP95Ms: best.tpotP95Ms };
}

/** Every (pool, TP, role) replica that fits and meets the SLO, with its rate and price. */
export function buildCandidates(ctx: TCandidateContext): TCandidateReport {
  const report: TCandidateReport = {
    candidates: [],
    unknownGpus: [],
    memoryMisfits: [],
    latencyMisfits: [],
    tooFewGpus: [],
  };
  const perfCache = new Map<string, ReturnType<typeof replicaFigures>>();
  for (const pool of ctx.pools) {
    const gpu: TGpuSpec | undefined = tryFindGpu(pool.gpuType);
    if (!gpu) {
      report.unknownGpus.push(pool.gpuType);
      continue;
    }
    const usable = usableGpus(pool);
    for (const tp of ctx.tpChoices) {
      if (tp > gpu.maxTp || (pool.replicaSizes && !pool.replicaSizes.includes(tp))) continue;
      for (const role of ctx.roles) {
        // Pools of the same GPU share the model figures; only price and size differ.
        const key = `${gpu.id}|${tp}|${role}`;
        let figures = perfCache.get(key);
        if (!figures) {
          const base: TPerfInput = {
            model: ctx.model,
            gpu,
            tp,
            role,
            precision: ctx.precision,
            calibration: ctx.calibration,
            inputTokens: ctx.workload.avgInputTokens,
            outputTokens: ctx.workload.avgOutputTokens,
          };
          figures = replicaFigures(ctx, base, role);
          perfCache.set(key, figures);
        }
        if (figures === "memory") {
          report.memoryMisfits.push(`${gpu.id} TP${tp}`);
          continue;
        }
        if (figures === "latency") {
          report.latencyMisfits.push(`${gpu.id} TP${tp}${role === "both" ? "" : ` ${role}`}`);
          continue;
        }
        const maxCount = Math.floor(usable / tp);
        if (maxCount < 1 || figures.rate <= 0) {
          report.tooFewGpus.push(`${gpu.id} TP${tp} in pool ${pool.id}`);
          continue;
        }
        report.candidates.push({
          poolId: pool.id,
          gpuType: gpu.id,
          market: pool.market,
          tp,
          role,
          maxCount,
          pricePerHour: pool.pricePerGpuHour * tp,
          ...figures,
          family: familyOf(gpu.id, pool.market, tp),
        });
      }
    }
  }
  return report;
}

/**
 * Drops a TP degree when smaller replicas on the same GPUs do at least as much: k = t/s replicas of
 * TP s use the same GPUs and cost as one of TP t, so TP t is never needed if k·rate_s ≥ rate_t.
 * Any plan using the dropped candidate maps to one at least as good without it (exactness kept).
 */
export function pruneDominated(candidates: readonly TCandidate[]): TCandidate[] {
  return candidates.filter(
    (c) =>
      !candidates.some(
        (d) =>
          d !== c &&
          d.poolId === c.poolId &&
          d.role === c.role &&
          d.tp < c.tp &&
          c.tp % d.tp === 0 &&
          (c.tp / d.tp) * d.rate >= c.rate,
      ),
  );
}
