import { estimateSpeed, speedKey, summarizeSpeeds, type TSpeedTable } from "@koi/planner";

/** A stored sample, as far as learning the replicas' speed needs it. */
export type TSpeedSample = {
  requestsPerSecond: number;
  pctSpot: number;
  spotReplicas: number | null;
  tpotP95Ms: number | null;
  /** The spot service that served it; null: the one `shape.gpu` names (a single-service agent). */
  spotGpuType: string | null;
};

/** Samples whose traffic went (almost) all to spot: their TPOT is the spot replicas'. */
const SPOT_SHARE = 90;
const MEMORY = 60;

/**
 * The spot replicas' speed relative to the performance model, per GPU type of the spot service
 * that served the samples, learned from the TPOT p95 they report at the per-replica rate they
 * carried (the planner's `estimateSpeed`); none until such samples exist. `tpOf` gives a GPU
 * type's GPUs per replica. The spread is that of the service serving now (`shape.gpu`), or the
 * widest when it has none.
 */
export function learnSpeed(
  samples: readonly TSpeedSample[],
  shape: { model: string; gpu: string; tp: number; inputTokens: number; outputTokens: number },
  tpOf: (gpu: string) => number = () => shape.tp,
): { table: TSpeedTable; logSd: number } {
  const byGpu = new Map<string, TSpeedSample[]>();
  for (const s of samples) {
    if (s.tpotP95Ms === null || (s.spotReplicas ?? 0) <= 0 || s.pctSpot < SPOT_SHARE || s.requestsPerSecond <= 0)
      continue;
    const gpu = s.spotGpuType ?? shape.gpu;
    byGpu.set(gpu, [...(byGpu.get(gpu) ?? []), s]);
  }
  const table: TSpeedTable = {};
  const spreads = new Map<string, number>();
  for (const [gpu, rows] of byGpu) {
    const tp = gpu === shape.gpu ? shape.tp : tpOf(gpu);
    const summary = summarizeSpeeds(
      rows
        .slice(-MEMORY)
        .map((s) =>
          estimateSpeed({ ...shape, gpu, tp }, (s.requestsPerSecond * s.pctSpot) / 100 / s.spotReplicas!, s.tpotP95Ms!),
        ),
    );
    if (!summary) continue;
    table[speedKey(gpu, tp)] = summary.speed;
    spreads.set(gpu, summary.logSd);
  }
  return { table, logSd: spreads.get(shape.gpu) ?? Math.max(0, ...spreads.values()) };
}
