import { z } from "zod";
import { ZTunaScalingPolicy } from "@koi/contracts/tuna/scaling-policy";

/**
 * `Workload.scaling` of an online service: what Koi carries from one decision to the next (the
 * planner's state and the policy in force) and what the service page shows between decisions
 * (forecast band in Koi's clock, SLO health, the plan's cost and latency).
 */
export const ZOnlineScaling = z.looseObject({
  /** The planner's TOnlineScalingState, stored as it returned it. */
  state: z.looseObject({ key: z.string().nullable(), replicas: z.number() }).nullable(),
  policy: ZTunaScalingPolicy.nullable(),
  plannedAt: z.string(),
  /** The newest sample the plan saw (engine clock); null = planned from the submitted rate alone. */
  lastSampleAt: z.string().nullable(),
  /** Engine seconds per real second over the recent samples (1 for a real service). */
  clockRate: z.number().positive(),
  /**
   * Spot pools left out of the plan after a move there did not happen, until `until` (engine epoch
   * seconds), and how many moves there in a row did not (refused-moves.ts).
   */
  refusedMoves: z
    .array(
      z.strictObject({
        poolId: z.string(),
        gpuType: z.string(),
        detail: z.string(),
        until: z.number(),
        strikes: z.number().int().positive().optional(),
      }),
    )
    .optional(),
  forecast: z.strictObject({
    basis: z.string(),
    explanation: z.string(),
    points: z.array(
      z.strictObject({ start: z.string(), end: z.string(), p10: z.number(), p50: z.number(), p90: z.number() }),
    ),
  }),
  health: z.strictObject({
    status: z.enum(["ON_TRACK", "AT_RISK"]),
    reasons: z.array(z.string()),
    /** Since when p95 latency has been above a target (engine clock), null while within. */
    breachSince: z.string().nullable(),
  }),
  plan: z.strictObject({
    feasible: z.boolean(),
    costPerHour: z.number(),
    ratePerReplica: z.number(),
    gpuType: z.string().nullable(),
    predictedLatency: z.strictObject({ ttftP95Ms: z.number().nullable(), tpotP95Ms: z.number().nullable() }),
    binding: z.string().nullable(),
  }),
});
export type TOnlineScaling = z.infer<typeof ZOnlineScaling>;

/** null before the first plan (the column's default `{}`). */
export function readOnlineScaling(workload: { scaling: unknown }): TOnlineScaling | null {
  const value = workload.scaling;
  if (!value || typeof value !== "object" || !("plannedAt" in value)) return null;
  return ZOnlineScaling.parse(value);
}
