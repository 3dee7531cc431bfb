import { estimateRate, type TEstimateRateInput, type TRateEstimate } from "./estimate-rate.ts";
import { formatDuration } from "./format-duration.ts";

export type TForecastStatus = "done" | "at-risk" | "on-track" | "ahead";

export type TFinishForecast = {
  status: TForecastStatus;
  remaining: number;
  rate: TRateEstimate;
  /** Epoch seconds. */
  finish: { p10: number; p50: number; p90: number };
  missProbability: number;
  explanation: string;
};

export type TForecastInput = TEstimateRateInput & {
  /** Epoch seconds. */
  deadline: number;
  now: number;
  /** At risk when the probability of missing exceeds this. */
  riskThreshold?: number;
  /** Far ahead when even P90 leaves this fraction of the time to the deadline unused. */
  aheadFraction?: number;
};

const Z90 = 1.2815515655446004;

/**
 * Finish-time distribution from the rate estimate. With r ~ N(μ, s²) where s² adds the estimate's
 * variance and the progress noise averaged over the remaining time (σ²/τ), the finish
 * T = t_last + W / r is monotone in r, so its quantiles are W / r's opposite quantiles and
 * P(miss) = P(r < W / (deadline − t_last)) — closed forms, no sampling.
 */
export function forecastFinish(input: TForecastInput): TFinishForecast {
  const { deadline, now } = input;
  const rate = estimateRate(input);
  const last = [...input.samples].sort((a, b) => a.t - b.t).at(-1);
  const remaining = last ? Math.max(0, last.total - last.completed) : 0;
  const t0 = last ? last.t : now;
  if (last && remaining <= 0) {
    return {
      status: "done",
      remaining: 0,
      rate,
      finish: { p10: t0, p50: t0, p90: t0 },
      missProbability: t0 > deadline ? 1 : 0,
      explanation: `done ${t0 <= deadline ? "before" : "after"} the deadline`,
    };
  }
  const mu = Math.max(rate.mean, 1e-12);
  const tau = remaining / mu;
  const sdTotal = Math.sqrt(rate.sd ** 2 + rate.processVariance / Math.max(tau, 1));
  const finishAt = (r: number): number => (r > 0 ? t0 + remaining / r : Infinity);
  const floor = mu * 0.02;
  const finish = {
    p10: finishAt(Math.max(floor, mu + Z90 * sdTotal)),
    p50: finishAt(mu),
    p90: finishAt(Math.max(floor, mu - Z90 * sdTotal)),
  };
  const needed = deadline > t0 ? remaining / (deadline - t0) : Infinity;
  const missProbability = Number.isFinite(needed) ? 1 - normalCdf((mu - needed) / sdTotal) : 1;
  const left = deadline - now;
  const status: TForecastStatus =
    missProbability > (input.riskThreshold ?? 0.1)
      ? "at-risk"
      : finish.p90 <= now + left * (1 - (input.aheadFraction ?? 0.35))
        ? "ahead"
        : "on-track";
  const verdict =
    status === "at-risk" ? `${Math.round(missProbability * 100)}% risk of missing` : finish.p50 <= deadline ? "✓" : "✗";
  const explanation = `predicted ${formatDuration(finish.p50 - now)} (P10 ${formatDuration(finish.p10 - now)}, P90 ${formatDuration(finish.p90 - now)}) vs target ${formatDuration(left)} ${verdict}`;
  return { status, remaining, rate, finish, missProbability, explanation };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
