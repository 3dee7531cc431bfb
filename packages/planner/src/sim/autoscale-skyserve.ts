import type { TSpotPolicy } from "./online-week-types.ts";

export type TAutoscalerState = { upSince: number | null; downSince: number | null };

/**
 * SkyServe's request-rate autoscaler (`replica_policy`): the target is ceil(qps ÷ target_qps)
 * clipped to [min_replicas, max_replicas]; it scales up once the target has stayed above the
 * replica count for `upscale_delay`, and down once it has stayed below for `downscale_delay`.
 * Falling under min_replicas (a preemption, a new floor) is repaired at once. Returns the change
 * in replicas to make now.
 */
export function stepSkyServe(
  state: TAutoscalerState,
  policy: TSpotPolicy,
  replicas: number,
  qps: number,
  now: number,
): number {
  const target = Math.min(
    policy.maxReplicas,
    Math.max(policy.minReplicas, Math.ceil(qps / Math.max(policy.targetQps, 1e-9) - 1e-9)),
  );
  if (replicas < policy.minReplicas) {
    state.upSince = null;
    state.downSince = null;
    return target - replicas;
  }
  if (target > replicas) {
    state.downSince = null;
    state.upSince ??= now;
    if (now - state.upSince >= policy.upscaleDelaySeconds) {
      state.upSince = null;
      return target - replicas;
    }
    return 0;
  }
  state.upSince = null;
  if (target < replicas) {
    state.downSince ??= now;
    if (now - state.downSince >= policy.downscaleDelaySeconds) {
      state.downSince = null;
      return target - replicas;
    }
    return 0;
  }
  state.downSince = null;
  return 0;
}
