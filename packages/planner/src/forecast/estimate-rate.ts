import { z } from "zod";
import { FITTED_COEFFICIENTS } from "../perf/fitted-coefficients.ts";
import { studentTQuantile } from "./student-t.ts";

/**
 * One progress report. `t` is epoch **seconds** (the unit Orca's webhooks and Koi's reports
 * use); `completed` and `total` are in the job's work unit (requests or tokens) — the same unit as
 * the modelled rate, which is per second.
 */
export const ZProgressSample = z.object({
  t: z.number(),
  completed: z.number().nonnegative(),
  total: z.number().positive(),
});
export type TProgressSample = z.infer<typeof ZProgressSample>;

const band = FITTED_COEFFICIENTS.logErrorQuantiles.tokensPerSecond;
/**
 * The prior's spread is the planner's: the performance model's band on held-out measured runs
 * (ln(measured ÷ predicted) from P10 to P90 spans 2 × 1.28 standard deviations), so a plan sized
 * at P90 and the forecast before any progress tell the same story.
 */
const Z90 = 1.2815515655446004;
export const MODEL_RELATIVE_SD = band ? (band.p90 - band.p10) / (2 * Z90) : 0.3;

export type TRateEstimate = {
  /** Posterior mean rate, work units per second. */
  mean: number;
  /** Standard deviation of that mean (estimation uncertainty). */
  sd: number;
  /** Progress noise: Var(work done in τ seconds) ≈ processVariance·τ. */
  processVariance: number;
  observed: { mean: number; sd: number; increments: number } | null;
  prior: { mean: number; sd: number };
};

export type TEstimateRateInput = {
  samples: readonly TProgressSample[];
  /** What the perf model predicts for the current allocation (work units per second). */
  modelledRate: number;
  /** Relative standard deviation we give the perf model's prediction (default: its band). */
  priorRelativeSd?: number;
  /** Recent progress counts more: an increment this old has half the weight. */
  halfLifeSeconds?: number;
  /** Ignore samples before this time (e.g. the allocation changed). */
  sinceT?: number;
};

/**
 * Rate with uncertainty, as a Bayesian blend of the perf model's rate (prior) and the observed
 * progress (likelihood). Progress is modelled as a random walk with drift r: each increment
 * Δc over Δt is ~ N(r·Δt, σ²·Δt). The observed rate is the exponentially-weighted least-squares
 * drift Σw·Δc / Σw·Δt, whose variance is σ²·Σw²Δt / (Σw·Δt)². Leading increments with no progress
 * (launch, model load) are skipped because they say nothing about the serving rate.
 */
export function estimateRate(input: TEstimateRateInput): TRateEstimate {
  const priorSd = Math.max(1e-12, input.modelledRate * (input.priorRelativeSd ?? MODEL_RELATIVE_SD));
  const prior = { mean: input.modelledRate, sd: priorSd };
  const halfLife = input.halfLifeSeconds ?? 3600;
  const samples = [...input.samples]
    .filter((s) => input.sinceT === undefined || s.t >= input.sinceT)
    .sort((a, b) => a.t - b.t);

  const inc: { dc: number; dt: number; tMid: number }[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const dt = b.t - a.t;
    if (dt <= 0) continue;
    const dc = b.completed - a.completed;
    if (inc.length === 0 && dc <= 0) continue;
    inc.push({ dc, dt, tMid: (a.t + b.t) / 2 });
  }
  if (inc.length === 0)
    return { mean: prior.mean, sd: prior.sd, processVariance: (0.1 * prior.mean) ** 2 * 60, observed: null, prior };

  const latest = samples[samples.length - 1]!.t;
  let sw = 0;
  let swdt = 0;
  let swdc = 0;
  let sw2dt = 0;
  for (const x of inc) {
    const w = Math.pow(2, -(latest - x.tMid) / halfLife);
    sw += w;
    swdt += w * x.dt;
    swdc += w * x.dc;
    sw2dt += w * w * x.dt;
  }
  const obsMean = swdc / swdt;
  let sigma2: number;
  let tWidening = 1;
  if (inc.length >= 3) {
    let ss = 0;
    let sw2 = 0;
    for (const x of inc) {
      const w = Math.pow(2, -(latest - x.tMid) / halfLife);
      ss += (w * (x.dc - obsMean * x.dt) ** 2) / x.dt;
      sw2 += w * w;
    }
    // Effective sample size corrects the weighted variance for the one fitted parameter.
    const nEff = (sw * sw) / sw2;
    sigma2 = (ss / sw) * (nEff / Math.max(1, nEff - 1));
    // The noise is itself estimated from few increments: the observed mean's P10–P90 is Student's
    // t's, not the normal's, carried here as a normal widened to the same P90.
    const df = Math.max(1, nEff - 1);
    tWidening = (studentTQuantile(Z90, df) / Z90) ** 2;
  } else {
    // Too few increments to see the noise: assume 10% of the rate over a minute.
    sigma2 = (0.1 * Math.max(obsMean, prior.mean)) ** 2 * 60;
  }
  // A floor keeps a perfectly regular trace from claiming certainty the future cannot have.
  const obsVar = Math.max((tWidening * sigma2 * sw2dt) / (swdt * swdt), (0.005 * Math.abs(obsMean)) ** 2, 1e-24);
  const precision = 1 / (prior.sd * prior.sd) + 1 / obsVar;
  const mean = (prior.mean / (prior.sd * prior.sd) + obsMean / obsVar) / precision;
  return {
    mean,
    sd: Math.sqrt(1 / precision),
    processVariance: sigma2,
    observed: { mean: obsMean, sd: Math.sqrt(obsVar), increments: inc.length },
    prior,
  };
}
