/** One sample's latency against the targets. */
export type TLatencyPoint = { t: number; ttftP95Ms: number | null; tpotP95Ms: number | null };

/** p95 above a target for this long (engine seconds) is a breach, not a blip. */
export const SUSTAINED_BREACH_SECONDS = 300;

export type TSloJudgement = {
  status: "ON_TRACK" | "AT_RISK";
  reasons: string[];
  breachSince: number | null;
};

/**
 * An online service's SLO health: AT_RISK when its p95 TTFT or TPOT has stayed above target for a
 * sustained window (every sample in it over), when the forecast's P90 for the next hour is above
 * what the policy in force can carry, or when no pool can meet the targets at all.
 */
export function judgeSlo(input: {
  samples: readonly TLatencyPoint[];
  targets: { ttftP95Ms: number; tpotP95Ms: number };
  now: number;
  forecastP90: number | null;
  provisionedRps: number;
  feasible: boolean;
  binding: string | null;
}): TSloJudgement {
  const over = (s: TLatencyPoint): string | null =>
    s.ttftP95Ms !== null && s.ttftP95Ms > input.targets.ttftP95Ms
      ? `TTFT p95 ${Math.round(s.ttftP95Ms)} ms > ${input.targets.ttftP95Ms} ms`
      : s.tpotP95Ms !== null && s.tpotP95Ms > input.targets.tpotP95Ms
        ? `TPOT p95 ${Math.round(s.tpotP95Ms)} ms > ${input.targets.tpotP95Ms} ms`
        : null;
  const measured = input.samples.filter((s) => s.ttftP95Ms !== null || s.tpotP95Ms !== null);
  let breachSince: number | null = null;
  for (let i = measured.length - 1; i >= 0 && over(measured[i]!); i--) breachSince = measured[i]!.t;
  const reasons: string[] = [];
  if (breachSince !== null && input.now - breachSince >= SUSTAINED_BREACH_SECONDS) {
    const minutes = Math.round((input.now - breachSince) / 60);
    reasons.push(`${over(measured.at(-1)!)} for ${minutes} min`);
  }
  if (input.forecastP90 !== null && input.provisionedRps > 0 && input.forecastP90 > input.provisionedRps * 1.0001)
    reasons.push(
      `next hour's P90 load ${input.forecastP90.toFixed(1)} req/s is above the ${input.provisionedRps.toFixed(1)} req/s provisioned`,
    );
  if (!input.feasible) reasons.push(input.binding ?? "no pool can meet the latency targets");
  return { status: reasons.length ? "AT_RISK" : "ON_TRACK", reasons, breachSince };
}
