import { tryFindGpu, type TGpuSpec, type TModelSpec } from "@koi/catalog";
import type { TCalibrationTable } from "../perf/calibration.ts";
import { errorBand } from "../perf/predict-row.ts";
import { createPredictor, type TPerfInput, type TPerfResult } from "../perf/predict-performance.ts";
import {
  resolvePoolShape,
  startupHours,
  DEFAULT_LOAD_GBS,
  type TMachineShape,
} from "../machines/resolve-pool-shape.ts";
import {
  poolLabel,
  usableGpus,
  type TCapacityPool,
  type TMarket,
  type TPrecision,
  type TRole,
  type TWorkload,
} from "../types.ts";

/**
 * One way to run replicas: a pool, a TP × PP layout and a role, bought in units. A unit is what
 * the pool rents: one replica of `tp` GPUs in pools that sell single GPUs; whole machines in pools
 * with a shape — one machine holding as many replicas as fit, or the machines one replica's
 * pipeline stages span. Counts, rates, prices and GPUs below are per unit.
 */
export type TCandidate = {
  poolId: string;
  /** `poolLabel(pool)`: how the plan's sentences name the pool. */
  poolLabel: string;
  gpuType: string;
  market: TMarket;
  tp: number;
  /** Pipeline stages per replica (TP within a machine, stages across machines). */
  pp: number;
  role: TRole;
  /** Most units of this kind the pool can hold on its own. */
  maxCount: number;
  /** What one unit is billed per hour (whole machines in pools with a shape). */
  pricePerHour: number;
  /**
   * Requests per second one unit is planned at. Online: what it sustains within the latency
   * targets. Batch: the model's P90 throughput (or P50 when asked), times the share of the
   * deadline left after start-up — the work it can do by the deadline.
   */
  rate: number;
  /** Batch: requests per second one serving unit sustains at the model's median (P50). */
  rateP50?: number;
  ttftP95Ms: number;
  tpotP95Ms: number;
  /** GPUs one unit takes from the pool. */
  gpus: number;
  replicasPerUnit: number;
  /** Machines one unit rents (pools with a shape). */
  machines?: number;
  instanceType?: string;
  /** Hours from the decision until a new unit serves: provisioning plus model load. */
  startupHours: number;
  /** Network of the unit's machines, Gbit/s in total (prices the KV hand-off of split plans). */
  networkGbps: number;
  /** KV-cache bytes one request's prompt leaves on the replica (what a split plan ships). */
  kvBytesPerRequest: number;
  /** What makes two plans different in kind: GPU type, market and layout. */
  family: string;
};

export type TCandidateContext = {
  workload: TWorkload;
  model: TModelSpec;
  precision?: TPrecision;
  pools: readonly TCapacityPool[];
  tpChoices: readonly number[];
  /** Pipeline stages to try in pools with a shape (single-GPU pools run PP 1). */
  ppChoices: readonly number[];
  roles: readonly TRole[];
  calibration?: TCalibrationTable;
  /** Batch: plan at the model's P90 (throughput at its band's low end) or at its median. */
  risk: "p50" | "p90";
};

/** Why pools produced no candidate; used to name the binding constraint. */
export type TCandidateReport = {
  candidates: TCandidate[];
  unknownGpus: string[];
  memoryMisfits: string[];
  latencyMisfits: string[];
  /** Replica kinds that fit and meet the SLO but need more GPUs than the pool has. */
  tooFewGpus: string[];
  /** Batch: replica kinds whose start-up (provisioning + model load) takes the whole deadline. */
  startupMisfits: string[];
};

const PREFILL_UTILISATION_STEPS = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];

function familyOf(gpu: string, market: TMarket, tp: number, pp: number): string {
  return pp > 1 ? `${gpu}|${market}|tp${tp}|pp${pp}` : `${gpu}|${market}|tp${tp}`;
}

/**
 * Throughput planned for at P90: predicted × the band's low end (the 10th percentile of measured ÷
 * predicted on held-out runs, widened for GPUs without measurements), so the deadline holds in 9
 * of 10 jobs the model predicts like those it was checked on.
 */
export function riskFactor(risk: "p50" | "p90", gpuId: string): number {
  return risk === "p90" ? (errorBand("tokensPerSecond", 1, gpuId)?.p10 ?? 1) : 1;
}

type TLayout = { tp: number; pp: number; nodes: number; gpus: number; replicasPerUnit: number; machines?: number };

/**
 * How a TP × PP replica sits on the pool's machines: TP never leaves a machine; stages fill a
 * machine before the next; a machine too big for one replica holds several.
 */
function layoutOf(tp: number, pp: number, shape: TMachineShape | undefined): TLayout | undefined {
  if (!shape) return pp === 1 ? { tp, pp, nodes: 1, gpus: tp, replicasPerUnit: 1 } : undefined;
  const g = shape.gpusPerMachine;
  if (tp > g) return undefined;
  const stagesPerMachine = Math.floor(g / tp);
  if (pp <= stagesPerMachine) {
    const replicasPerUnit = Math.floor(stagesPerMachine / pp);
    return { tp, pp, nodes: 1, gpus: g, replicasPerUnit, machines: 1 };
  }
  const machines = Math.ceil(pp / stagesPerMachine);
  return { tp, pp, nodes: machines, gpus: machines * g, replicasPerUnit: 1, machines };
}

/** Largest batch whose p95 latencies meet the targets, by bisection (both grow with batch). */
function largestBatchWithin(
  predict: (batch: number) => TPerfResult,
  full: TPerfResult,
  ttftMs: number,
  tpotMs: number,
): TPerfResult | undefined {
  const meets = (r: TPerfResult) => r.tpotP95Ms <= tpotMs && r.ttftP95Ms <= ttftMs;
  // The full batch is the largest there is: when it meets the targets there is nothing to search.
  if (meets(full)) return full;
  const maxBatch = full.batch;
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

function replicaFigures(ctx: TCandidateContext, base: TPerfInput, role: TRole): TFigures | "memory" | "latency" {
  const predict = createPredictor(base);
  const full = predict();
  if (!full.fits) return "memory";
  const w = ctx.workload;
  const sizes = {
    weightsGbPerReplica: full.weightsGbPerGpu * full.tp * full.pp,
    kvBytesPerRequest: full.kvBytesPerToken * w.avgInputTokens,
  };
  if (w.kind === "batch") {
    // A finite job ramps up and ends in a tail at a smaller batch: one replica running the whole
    // job averages requests ÷ job time, which for small jobs is well below the steady rate.
    const job =
      full.jobSeconds !== undefined && full.jobSeconds > 0 ? w.requests / full.jobSeconds : full.requestsPerSecond;
    return {
      rate: Math.min(full.requestsPerSecond, job),
      ttftP95Ms: full.ttftP95Ms,
      tpotP95Ms: full.tpotP95Ms,
      ...sizes,
    };
  }
  if (role === "prefill") {
    // The decode side spends about one TPOT producing the first token; prefill gets the rest.
    const budgetMs = w.ttftP95Ms - w.tpotP95Ms;
    for (const rho of PREFILL_UTILISATION_STEPS) {
      const p95 = full.ttftMs * (1 + (3 * rho) / (2 * (1 - rho)));
      if (p95 <= budgetMs)
        return { rate: rho * full.requestsPerSecond, ttftP95Ms: p95 + w.tpotP95Ms, tpotP95Ms: 0, ...sizes };
    }
    return "latency";
  }
  const ttftTarget = role === "decode" ? Number.POSITIVE_INFINITY : w.ttftP95Ms;
  const best = largestBatchWithin(predict, full, ttftTarget, w.tpotP95Ms);
  if (!best) return "latency";
  return { rate: best.requestsPerSecond, ttftP95Ms: best.ttftP95Ms, tpotP95Ms: best.tpotP95Ms, ...sizes };
}

type TFigures = Pick<TCandidate, "rate" | "ttftP95Ms" | "tpotP95Ms" | "kvBytesPerRequest"> & {
  weightsGbPerReplica: number;
};

/** A report with no candidate and nothing left out. */
export function emptyCandidateReport(): TCandidateReport {
  return { candidates: [], unknownGpus: [], memoryMisfits: [], latencyMisfits: [], tooFewGpus: [], startupMisfits: [] };
}

/** Every (pool, TP × PP, role) unit that fits and meets the SLO, with its rate and price. */
export function buildCandidates(ctx: TCandidateContext): TCandidateReport {
  const report = emptyCandidateReport();
  const perfCache = new Map<string, ReturnType<typeof replicaFigures>>();
  for (const pool of ctx.pools) {
    const gpu: TGpuSpec | undefined = tryFindGpu(pool.gpuType);
    if (!gpu) {
      report.unknownGpus.push(pool.gpuType);
      continue;
    }
    const shape = resolvePoolShape(pool);
    const usable = usableGpus(pool);
    for (const tp of ctx.tpChoices) {
      if (tp > gpu.maxTp || (pool.replicaSizes && !pool.replicaSizes.includes(tp))) continue;
      for (const pp of shape ? ctx.ppChoices : [1]) {
        const layout = layoutOf(tp, pp, shape);
        if (!layout) continue;
        const name = `${gpu.id} TP${tp}${pp > 1 ? ` PP${pp}` : ""}`;
        for (const role of ctx.roles) {
          // Pools of the same GPU and machine kind share the model figures; only price and size differ.
          const key = `${gpu.id}|${tp}|${pp}|${layout.nodes}|${shape?.interconnect ?? ""}|${shape?.networkGbps ?? ""}|${role}`;
          let figures = perfCache.get(key);
          if (!figures) {
            const base: TPerfInput = {
              model: ctx.model,
              gpu,
              tp,
              pp,
              nodes: layout.nodes,
              ...(shape ? { interconnect: shape.interconnect, networkGbps: shape.networkGbps } : {}),
              role,
              precision: ctx.precision,
              calibration: ctx.calibration,
              inputTokens: ctx.workload.avgInputTokens,
              outputTokens: ctx.workload.avgOutputTokens,
              ...(ctx.workload.kind === "batch" ? { requests: ctx.workload.requests } : {}),
            };
            figures = replicaFigures(ctx, base, role);
            perfCache.set(key, figures);
          }
          if (figures === "memory") {
            report.memoryMisfits.push(name);
            continue;
          }
          if (figures === "latency") {
            report.latencyMisfits.push(`${name}${role === "both" ? "" : ` ${role}`}`);
            continue;
          }
          const maxCount = Math.floor(usable / layout.gpus);
          if (maxCount < 1 || figures.rate <= 0) {
            report.tooFewGpus.push(`${name} in ${poolLabel(pool)}`);
            continue;
          }
          const machines = layout.machines ?? 1;
          const weightsPerMachine = (figures.weightsGbPerReplica * layout.replicasPerUnit) / machines;
          const startup = startupHours(pool.market, weightsPerMachine, shape?.loadGBs ?? DEFAULT_LOAD_GBS);
          const w = ctx.workload;
          const steadyRate = figures.rate * layout.replicasPerUnit;
          const rate =
            w.kind === "batch"
              ? (steadyRate * riskFactor(ctx.risk, gpu.id) * Math.max(0, w.deadlineHours - startup)) / w.deadlineHours
              : steadyRate;
          if (rate <= 0) {
            report.startupMisfits.push(`${name} on ${pool.market} (${(startup * 60).toFixed(0)} min)`);
            continue;
          }
          report.candidates.push({
            poolId: pool.id,
            poolLabel: poolLabel(pool),
            gpuType: gpu.id,
            market: pool.market,
            tp,
            pp,
            role,
            maxCount,
            pricePerHour: shape ? machines * shape.pricePerMachineHour : pool.pricePerGpuHour * tp,
            rate,
            ...(w.kind === "batch" ? { rateP50: steadyRate } : {}),
            ttftP95Ms: figures.ttftP95Ms,
            tpotP95Ms: figures.tpotP95Ms,
            gpus: layout.gpus,
            replicasPerUnit: layout.replicasPerUnit,
            ...(shape ? { machines, instanceType: shape.instanceType } : {}),
            startupHours: startup,
            networkGbps: (shape?.networkGbps ?? 100) * machines,
            kvBytesPerRequest: figures.kvBytesPerRequest,
            family: familyOf(gpu.id, pool.market, tp, pp),
          });
        }
      }
    }
  }
  return report;
}

/**
 * Drops a unit kind when smaller units of the same pool do at least as much: k = t/s units of s
 * GPUs use the same GPUs and cost as one of t, so the bigger is never needed if k·rate_s ≥ rate_t
 * (in single-GPU pools price is per GPU, in machine pools per machine, so cost scales with GPUs
 * either way). Any plan using the dropped candidate maps to one at least as good without it.
 */
export function pruneDominated(candidates: readonly TCandidate[]): TCandidate[] {
  return candidates.filter(
    (c) =>
      !candidates.some(
        (d) =>
          d !== c &&
          d.poolId === c.poolId &&
          d.role === c.role &&
          d.gpus < c.gpus &&
          c.gpus % d.gpus === 0 &&
          d.startupHours <= c.startupHours &&
          (c.gpus / d.gpus) * d.rate >= c.rate,
      ),
  );
}
