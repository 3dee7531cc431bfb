import { sustainedRate, type TSustainedRate } from "../online/latency-at-rate.ts";
import { profileReplica } from "../online/profile-replica.ts";
import type { TFleetTrace, TOnlineServiceSpec } from "./fleet-types.ts";

/**
 * What an operator's load test of one replica finds: the rate it sustains inside the SLO at the
 * hardware's real (hidden) speed. Baselines get this truth; Koi starts from the model and learns it.
 */
export function measuredRate(
  spec: TOnlineServiceSpec,
  trace: TFleetTrace,
  gpu: string,
  tp: number,
): TSustainedRate | null {
  const profile = profileReplica({
    model: spec.model,
    gpu,
    tp,
    inputTokens: spec.inputTokens,
    outputTokens: spec.outputTokens,
    speed: Math.round(trace.trueFactor(spec.model, gpu) * 200) / 200,
  });
  if (!profile.fits) return null;
  const rate = sustainedRate(profile, { ttftP95Ms: spec.ttftP95Ms, tpotP95Ms: spec.tpotP95Ms });
  return rate.rps > 0 ? rate : null;
}
