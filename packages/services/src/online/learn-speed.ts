import { estimateSpeed, speedKey, summarizeSpeeds, type TSpeedTable } from "@koi/planner";

/** A stored sample, as far as learning the replicas' speed needs it. */
export type TSpeedSample = {
  requestsPerSecond: number;
  pctSpot: number;
  spotReplicas: number | null;
  tpotP95Ms: number | null;
};

/** Samples whose traffic went (almost) all to spot: their TPOT is the spot replicas'. */
const SPOT_SHARE = 90;
const MEMORY = 60;

/**
 * The spot replicas' speed relative to the performance model, learned from the TPOT p95 they
 * report at the per-replica rate they carried (the planner's `estimateSpeed`); none until such
 * samples exist.
 */
export function learnSpeed(
  samples: readonly TSpeedSample[],
  shape: { model: string; gpu: string; tp: number; inputTokens: number; outputTokens: number },
): { table: TSpeedTable; logSd: number } {
  const estimates = samples
    .filter(
      (s) => s.tpotP95Ms !== null && (s.spotReplicas ?? 0) > 0 && s.pctSpot >= SPOT_SHARE && s.requestsPerSecond > 0,
    )
    .slice(-MEMORY)
    .map((s) => estimateSpeed(shape, (s.requestsPerSecond * s.pctSpot) / 100 / s.spotReplicas!, s.tpotP95Ms!));
  const summary = summarizeSpeeds(estimates);
  return summary
    ? { table: { [speedKey(shape.gpu, shape.tp)]: summary.speed }, logSd: summary.logSd }
    : { table: {}, logSd: 0 };
}
