import { createRandom } from "../random/seeded-random.ts";
import { fitCoefficients, predictedValue, type TFitSample } from "./fit-coefficients.ts";
import type { TPerfCoefficients, TPerfMetric } from "./perf-coefficients.ts";

// Honest checking: every prediction scored here comes from coefficients fitted without its row.
// k-fold holds out random rows; leave-one-source-out holds out a whole source (another lab,
// engine, GPU family), which is what predicting someone else's runs looks like.

export type TScoredSample = TFitSample & {
  /** Undefined when the model refused the row at the held-out fit's coefficients. */
  predicted: number | undefined;
  /** Which held-out split produced it (fold number or source). */
  split: string;
};

export type TFitFunction = (train: readonly TFitSample[]) => TPerfCoefficients;

export const defaultFit: TFitFunction = (train) => fitCoefficients(train).coefficients;

function scoreSplit(test: readonly TFitSample[], coefficients: TPerfCoefficients, split: string): TScoredSample[] {
  return test.map((s) => ({ ...s, predicted: predictedValue(s, coefficients), split }));
}

/** k-fold by row (a static-batch row's TTFT and TPOT stay in the same fold), rows shuffled by a seed. */
export function kFold(samples: readonly TFitSample[], k: number, seed: number, fit = defaultFit): TScoredSample[] {
  const lines = [...new Set(samples.map((s) => s.row.line))];
  const random = createRandom(seed);
  for (let i = lines.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [lines[i], lines[j]] = [lines[j] as number, lines[i] as number];
  }
  const foldOf = new Map(lines.map((line, i) => [line, i % k]));
  return Array.from({ length: k }, (_, fold) => {
    const test = samples.filter((s) => foldOf.get(s.row.line) === fold);
    const train = samples.filter((s) => foldOf.get(s.row.line) !== fold);
    return scoreSplit(test, fit(train), `fold ${fold + 1}`);
  }).flat();
}

export function leaveOneSourceOut(samples: readonly TFitSample[], fit = defaultFit): TScoredSample[] {
  const sources = [...new Set(samples.map((s) => s.row.source ?? ""))].sort();
  return sources.flatMap((source) => {
    const test = samples.filter((s) => (s.row.source ?? "") === source);
    const train = samples.filter((s) => (s.row.source ?? "") !== source);
    return scoreSplit(test, fit(train), source);
  });
}

export type TErrorSummary = {
  rows: number;
  refused: number;
  /** Median of |predicted ÷ measured − 1|. */
  medianAbsError: number;
  within25: number;
  /** Largest factor between predicted and measured, either way. */
  worstFactor: number;
  /** Median predicted ÷ measured (bias). */
  medianRatio: number;
};

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function summarize(scored: readonly TScoredSample[]): TErrorSummary {
  const ratios = scored.flatMap((s) => (s.predicted === undefined ? [] : [s.predicted / s.measured]));
  const errors = ratios.map((r) => Math.abs(r - 1));
  return {
    rows: scored.length,
    refused: scored.length - ratios.length,
    medianAbsError: median(errors),
    within25: ratios.length ? errors.filter((e) => e <= 0.25).length / ratios.length : 0,
    worstFactor: Math.max(1, ...ratios.map((r) => Math.max(r, 1 / r))),
    medianRatio: median(ratios),
  };
}

/** The goals of issue 9 for rows with quality "ok", cross-validated. */
export const ACCURACY_GOALS: { medianAbsError: Record<TPerfMetric, number>; within25: number; worstFactor: number } = {
  medianAbsError: { tokensPerSecond: 0.15, ttftMs: 0.2, tpotMs: 0.2 },
  within25: 0.7,
  worstFactor: 2,
};

/** Which goals a set of scored rows of one metric misses, in words; empty when it meets them all. */
export function missedGoals(summary: TErrorSummary, metric: TPerfMetric): string[] {
  const missed: string[] = [];
  const goal = ACCURACY_GOALS.medianAbsError[metric];
  if (!(summary.medianAbsError <= goal))
    missed.push(`median error ${(summary.medianAbsError * 100).toFixed(0)}% > ${goal * 100}%`);
  if (summary.within25 < ACCURACY_GOALS.within25)
    missed.push(`${(summary.within25 * 100).toFixed(0)}% within 25% < ${ACCURACY_GOALS.within25 * 100}%`);
  if (summary.worstFactor > ACCURACY_GOALS.worstFactor)
    missed.push(`a row off by ${summary.worstFactor.toFixed(2)}× > 2×`);
  if (summary.refused > 0) missed.push(`${summary.refused} row${summary.refused > 1 ? "s" : ""} refused`);
  return missed;
}

/** Quantiles of ln(measured ÷ predicted): the spread the prediction band is drawn from. */
export function logErrorQuantiles(scored: readonly TScoredSample[]): {
  p10: number;
  p50: number;
  p90: number;
  rows: number;
} {
  const logs = scored
    .flatMap((s) => (s.predicted === undefined ? [] : [Math.log(s.measured / s.predicted)]))
    .sort((a, b) => a - b);
  const at = (q: number) => logs[Math.min(logs.length - 1, Math.max(0, Math.round(q * (logs.length - 1))))] ?? 0;
  return { p10: at(0.1), p50: at(0.5), p90: at(0.9), rows: logs.length };
}
