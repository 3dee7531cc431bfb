import { levenbergMarquardt } from "ml-levenberg-marquardt";
import {
  COEFFICIENT_NAMES,
  COEFFICIENT_PRIORS,
  priorCoefficients,
  type TCoefficientName,
  type TPerfCoefficients,
  type TPerfMetric,
} from "./perf-coefficients.ts";
import { duplicateRows } from "./check-perf-rows.ts";
import type { TPerfRow } from "./parse-perf-rows.ts";
import { CHECKED_METRICS, predictRow } from "./predict-row.ts";

// Fits the model's coefficients to measured rows: least squares on ln(predicted ÷ measured), each
// coefficient pulled towards its published prior (a Gaussian in log space), solved by
// Levenberg–Marquardt (ml-levenberg-marquardt). Deterministic: fixed start, fixed iteration cap.

export type TFitSample = { row: TPerfRow; metric: TPerfMetric; measured: number };

export type TFitResult = {
  coefficients: TPerfCoefficients;
  iterations: number;
  /** Root mean square of ln(predicted ÷ measured) over the samples, after the fit. */
  rmsLogError: number;
};

/**
 * Typical ln error of one measurement against the model (≈ 20%): it sets how strongly a prior pulls
 * compared with the rows (MAP: Σ w·r² / σ² + Σ ((θ − μ) / s)², with w = n_group^−½ so a source
 * with many rows of one metric does not drown the others).
 */
const DATA_LOG_SIGMA = 0.2;
/**
 * Coefficients the objective depends on mostly through a finite job's waves: a batch a little
 * larger can drop the tail wave, a step a narrow difference does not see.
 */
const STAIRCASE = new Set<TCoefficientName>(["memoryOverheadGb", "liveOutputShare"]);
/** A row the model refuses at trial coefficients counts as this far off, pushing the fit away. */
const REFUSED_LOG_ERROR = 3;

/**
 * The measurements to check: rows with quality "ok" that are not duplicates in disguise
 * (check-perf-rows.ts), each metric its kind is compared on.
 */
export function samplesOf(rows: readonly TPerfRow[]): TFitSample[] {
  const duplicates = duplicateRows(rows);
  return rows.flatMap((row) =>
    (row.quality !== undefined && row.quality !== "ok") || duplicates.has(row.line)
      ? []
      : CHECKED_METRICS[row.kind].flatMap((metric) => {
          const measured = row.measured[metric];
          return measured === undefined ? [] : [{ row, metric, measured }];
        }),
  );
}

export function predictedValue(sample: TFitSample, coefficients: TPerfCoefficients): number | undefined {
  const p = predictRow(sample.row, coefficients, {});
  if ("error" in p) return undefined;
  return p[sample.metric] ?? undefined;
}

/** Group a sample is balanced in: each source's metric weighs about the same however many rows it has. */
function groupOf(s: TFitSample): string {
  return `${s.row.source ?? ""}|${s.metric}`;
}

export function fitCoefficients(
  samples: readonly TFitSample[],
  options: { fitted?: readonly TCoefficientName[]; start?: TPerfCoefficients; maxIterations?: number } = {},
): TFitResult {
  const fitted = options.fitted ?? COEFFICIENT_NAMES;
  const start = options.start ?? priorCoefficients();
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(groupOf(s), (counts.get(groupOf(s)) ?? 0) + 1);
  const toCoefficients = (theta: readonly number[]): TPerfCoefficients => {
    const c = { ...start };
    fitted.forEach((name, k) => (c[name] = Math.exp(theta[k] ?? 0)));
    return c;
  };
  const n = samples.length;
  // Weights are folded into the residuals (y and f both scaled) rather than passed as the library's
  // `weights`, whose error sum and step disagree for non-unit weights in ml-levenberg-marquardt 5.1.
  const scale = [
    ...samples.map((s) => Math.pow(counts.get(groupOf(s)) ?? 1, -0.25)),
    ...fitted.map(() => DATA_LOG_SIGMA),
  ];
  const x = Array.from({ length: n + fitted.length }, (_, i) => i);
  const y = [...samples.map((s, i) => (scale[i] ?? 1) * Math.log(s.measured)), ...fitted.map(() => 0)];
  const model = (theta: number[]) => {
    const c = toCoefficients(theta);
    return (i: number): number => {
      const w = scale[i] ?? 1;
      if (i >= n) {
        const k = i - n;
        const prior = COEFFICIENT_PRIORS[fitted[k] as TCoefficientName];
        return (w * ((theta[k] ?? 0) - Math.log(prior.prior))) / prior.logSpread;
      }
      const sample = samples[i] as TFitSample;
      const predicted = predictedValue(sample, c);
      return (
        w *
        (predicted === undefined || !(predicted > 0)
          ? Math.log(sample.measured) + REFUSED_LOG_ERROR
          : Math.log(predicted))
      );
    };
  };
  const result = levenbergMarquardt({ x, y }, model, {
    initialValues: fitted.map((name) => Math.log(start[name])),
    minValues: fitted.map((name) => Math.log(COEFFICIENT_PRIORS[name].min)),
    maxValues: fitted.map((name) => Math.log(COEFFICIENT_PRIORS[name].max)),
    damping: 1,
    // A wider step sees past the waves' staircase.
    gradientDifference: fitted.map((name) => (STAIRCASE.has(name) ? 0.05 : 1e-3)),
    centralDifference: true,
    maxIterations: options.maxIterations ?? 60,
    errorTolerance: 1e-9,
  });
  const coefficients = toCoefficients(result.parameterValues);
  return { coefficients, iterations: result.iterations, rmsLogError: rmsLogError(samples, coefficients) };
}

export function rmsLogError(samples: readonly TFitSample[], coefficients: TPerfCoefficients): number {
  let sum = 0;
  for (const s of samples) {
    const p = predictedValue(s, coefficients);
    const r = p === undefined ? REFUSED_LOG_ERROR : Math.log(p / s.measured);
    sum += r * r;
  }
  return Math.sqrt(sum / Math.max(1, samples.length));
}
