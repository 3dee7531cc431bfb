import { latencyAtRate } from "./latency-at-rate.ts";
import { profileReplica, type TReplicaShape } from "./profile-replica.ts";

const LOWEST = 0.25;
const HIGHEST = 4;
/** Speeds are looked up on a 0.5% grid, so the profiles they need are shared between observations. */
const GRID = 200;

/**
 * How fast a replica really is relative to the model (NVIDIA Dynamo's planner calls this its
 * correction factor): the speed at which the modelled p95 TPOT, at the per-replica rate observed,
 * equals the observed p95 TPOT. TPOT falls as speed rises, so a bisection in log-speed finds it.
 */
export function estimateSpeed(shape: Omit<TReplicaShape, "speed">, rpsPerReplica: number, tpotP95Ms: number): number {
  const tpotAt = (speed: number): number =>
    latencyAtRate(profileReplica({ ...shape, speed: Math.round(speed * GRID) / GRID }), rpsPerReplica).tpotP95Ms;
  let lo = Math.log(LOWEST);
  let hi = Math.log(HIGHEST);
  if (tpotAt(Math.exp(hi)) >= tpotP95Ms) return HIGHEST;
  if (tpotAt(Math.exp(lo)) <= tpotP95Ms) return LOWEST;
  for (let i = 0; i < 14; i++) {
    const mid = (lo + hi) / 2;
    if (tpotAt(Math.exp(mid)) > tpotP95Ms) lo = mid;
    else hi = mid;
  }
  return Math.round(Math.exp((lo + hi) / 2) * GRID) / GRID;
}

/** Geometric mean of recent speed estimates and the standard deviation of their log. */
export function summarizeSpeeds(estimates: readonly number[]): { speed: number; logSd: number } | undefined {
  if (estimates.length === 0) return undefined;
  const logs = estimates.map(Math.log);
  const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
  const logSd = logs.length > 1 ? Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (logs.length - 1)) : 0;
  return { speed: Math.round(Math.exp(mean) * GRID) / GRID, logSd };
}
