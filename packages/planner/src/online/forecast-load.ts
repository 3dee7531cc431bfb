import { z } from "zod";
import { burstOf, fitCurve, hourlyMeans, PENALTIES, PRIOR_BURST } from "./fit-load-curve.ts";

/** A reported request rate: the mean over the report interval that ends at `t` (epoch seconds). */
export const ZRateSample = z.strictObject({ t: z.number(), rps: z.number().nonnegative() });
export type TRateSample = z.infer<typeof ZRateSample>;

export type TLoadForecastInput = {
  samples: readonly TRateSample[];
  /** Epoch seconds; only samples at or before it are used. */
  now: number;
  /** The rate submitted with the service (its planned peak): the whole forecast until reports arrive. */
  expectedRps: number;
  /** Hourly windows to forecast (default 6). */
  hours?: number;
};

/** The mean request rate over [start, end): median and the P10–P90 band. */
export type TLoadForecastPoint = { start: number; end: number; p10: number; p50: number; p90: number };

export type TLoadForecast = {
  now: number;
  /** What the forecast stands on: the submitted rate, the last hour only, or the seasonal fit. */
  basis: "submitted-rate" | "recent-level" | "seasonal";
  /** Consecutive hour-long windows from `now`. */
  points: TLoadForecastPoint[];
  /** The mean rate reported over the last hour (null before any report): where the curve starts. */
  lastHour: { mid: number; rps: number } | null;
  /**
   * Report-interval rate ÷ its hour's mean (bursts within the hour, on top of the hourly band): the
   * 95th and 99th percentiles, the standard deviation of its log, and how much of a burst is still
   * there one report interval later (lag-1 autocorrelation of the log).
   */
  burst: { p95: number; p99: number; logSd: number; persistence: number; intervalSeconds: number };
  /** The mean rate over the last five minutes (null before any report). */
  recent: { t: number; rps: number } | null;
  /** Hours of history fitted, hour-to-hour persistence of the residual, residual sd (log scale). */
  fit: { hours: number; persistence: number; residualSd: number };
  /**
   * Before a whole day is seen, the hourly rate the forecast stays under: the submitted peak, or the
   * busiest hour seen once the load has gone higher. Absent once the forecast is seasonal.
   */
  ceiling?: number;
  explanation: string;
};

const HOUR = 3600;
const Z90 = 1.2815515655446004;
/** Cold-start shape: the submitted rate is the peak; a day typically spans down to a quarter of it. */
const COLD = { p10: 0.25, p50: 0.6, p90: 1 };
/**
 * Before a day is seen: a wide band, and the local trend's departure at the last hour carried
 * whole into the next. Halving it (0.5) left the first day's forecast behind the last hour's own
 * mean at every turn of the daily curve: over the online week's first days its one-hour-ahead error
 * was 0.27 in log terms, 0.19 carried whole (forecast-load.test.ts replays one such morning).
 */
const PRIOR = { persistence: 1, residualSd: 0.25, burst: PRIOR_BURST };
/** The current level: the mean of the reports over the last five minutes. */
const RECENT_SECONDS = 300;

/**
 * Request-rate forecast for the next hours. The seasonal part is a weighted ridge regression of
 * log hourly rate on a trend, four daily harmonics, a weekend term and day-of-week terms (recent
 * weeks weigh more; an unseen weekday stays at the average). Its residual is persistent from hour
 * to hour, so the last hour's residual is carried forward, decaying by the fitted AR(1)
 * coefficient, and the band widens with the horizon the way an AR(1) error does. Deterministic:
 * the same samples and `now` give the same forecast.
 */
export function forecastLoad(input: TLoadForecastInput): TLoadForecast {
  const { now, expectedRps } = input;
  const count = input.hours ?? 6;
  const windows = Array.from({ length: count }, (_, k) => ({ start: now + k * HOUR, end: now + (k + 1) * HOUR }));
  const recent = input.samples.filter((s) => s.t <= now && s.t > now - HOUR);
  if (recent.length === 0)
    return {
      now,
      basis: "submitted-rate",
      points: windows.map((w) => ({
        ...w,
        p10: expectedRps * COLD.p10,
        p50: expectedRps * COLD.p50,
        p90: expectedRps * COLD.p90,
      })),
      lastHour: null,
      recent: null,
      burst: PRIOR.burst,
      fit: { hours: 0, persistence: PRIOR.persistence, residualSd: PRIOR.residualSd },
      ceiling: expectedRps,
      explanation: `no rate reported in the last hour: the submitted ${fmt(expectedRps)} req/s is taken as the peak`,
    };

  const hours = hourlyMeans(input.samples, now);
  const floor = Math.max(1e-3, 0.01 * (hours.reduce((s, h) => s + h.mean, 0) / Math.max(1, hours.length)));
  const log = (r: number): number => Math.log(r + floor);
  const anchorMean = recent.reduce((s, r) => s + r.rps, 0) / recent.length;
  const anchorMid = now - HOUR / 2;

  let model = (_t: number): number => log(anchorMean);
  let persistence = PRIOR.persistence;
  let residualSd = PRIOR.residualSd;
  let fitVariance = 0;
  let basis: TLoadForecast["basis"] = "recent-level";
  if (hours.length >= 24) {
    model = fitCurve(hours, now, log);
    const residuals = hours.map((h) => ({ mid: h.mid, r: log(h.mean) - model(h.mid) }));
    let num = 0;
    let den = 0;
    const pairs: [number, number][] = [];
    for (let i = 1; i < residuals.length; i++) {
      if (residuals[i]!.mid - residuals[i - 1]!.mid !== HOUR) continue;
      pairs.push([residuals[i - 1]!.r, residuals[i]!.r]);
      num += residuals[i - 1]!.r * residuals[i]!.r;
      den += residuals[i - 1]!.r ** 2;
    }
    persistence = Math.min(0.95, Math.max(0, den > 0 ? num / den : 0));
    const innovations = pairs.map(([a, b]) => (b - persistence * a) ** 2);
    // In-sample residuals understate the error of a forecast by the parameters they fitted.
    const dof = Math.max(1, innovations.length - PENALTIES.length);
    residualSd = Math.max(0.02, Math.sqrt(innovations.reduce((x, v) => x + v, 0) / dof));
    fitVariance = (residualSd ** 2 * 12) / Math.max(12, hours.length);
    basis = "seasonal";
  } else if (hours.length >= 3) {
    model = fitCurve(hours, now, log);
    // Too few hours to trust in-sample residuals: replay the same forecast on each past hour instead.
    const errors: number[] = [];
    for (let k = 3; k < hours.length; k++) {
      if (hours[k]!.mid - hours[k - 1]!.mid !== HOUR) continue;
      const past = fitCurve(hours.slice(0, k), hours[k]!.mid - HOUR / 2, log);
      const carried = persistence * (log(hours[k - 1]!.mean) - past(hours[k - 1]!.mid));
      errors.push(log(hours[k]!.mean) - past(hours[k]!.mid) - carried);
    }
    if (errors.length >= 3)
      residualSd = Math.max(0.02, Math.sqrt(errors.reduce((x, e) => x + e * e, 0) / errors.length));
  }
  const anchorResidual = log(anchorMean) - model(anchorMid);
  // Before a whole day is seen a local trend can climb past any real peak: the submitted rate is
  // the service's planned peak, so the hourly forecast stays under it (or under the busiest hour
  // seen, once the load has gone higher). Bursts within the hour still come on top (sizingLoad).
  const ceiling = Math.max(expectedRps, ...hours.map((h) => h.mean));
  const points = windows.map((w) => {
    const mid = (w.start + w.end) / 2;
    const k = (mid - anchorMid) / HOUR;
    const carried = Math.pow(persistence, k) * anchorResidual;
    const arVariance =
      persistence < 1 ? (residualSd ** 2 * (1 - persistence ** (2 * k))) / (1 - persistence ** 2) : residualSd ** 2 * k;
    const sd = Math.sqrt(arVariance + fitVariance);
    const mu = model(mid) + carried;
    const rate = (z: number): number => Math.max(0, Math.exp(mu + z * sd) - floor);
    const point = { ...w, p10: rate(-Z90), p50: rate(0), p90: rate(Z90) };
    return basis === "seasonal" ? point : underCeiling(point, ceiling);
  });
  const first = points[0]!;
  return {
    now,
    basis,
    points,
    lastHour: { mid: anchorMid, rps: anchorMean },
    recent: {
      t: now,
      rps: mean(input.samples.filter((x) => x.t <= now && x.t > now - RECENT_SECONDS).map((x) => x.rps)) ?? anchorMean,
    },
    burst: burstOf(hours),
    fit: { hours: hours.length, persistence, residualSd },
    ...(basis === "seasonal" ? {} : { ceiling }),
    explanation:
      basis === "seasonal"
        ? `seasonal fit of ${hours.length} h (daily shape, weekdays, trend); the last hour ran ${pct(Math.exp(anchorResidual) - 1)} vs the fit: next hour ${fmt(first.p50)} req/s (P10–P90 ${fmt(first.p10)}–${fmt(first.p90)})`
        : `${hours.length === 0 ? "under an hour" : `only ${hours.length} h`} reported: the last hour's ${fmt(anchorMean)} req/s carried forward, band widened and kept under ${fmt(ceiling)} req/s (the submitted peak or the busiest hour seen; next hour P10–P90 ${fmt(first.p10)}–${fmt(first.p90)} req/s)`,
  };
}

function underCeiling(p: TLoadForecastPoint, ceiling: number): TLoadForecastPoint {
  const p90 = Math.min(p.p90, ceiling);
  const p50 = Math.min(p.p50, p90);
  return { ...p, p10: Math.min(p.p10, p50), p50, p90 };
}

function mean(xs: readonly number[]): number | undefined {
  return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function fmt(x: number): string {
  return x >= 10 ? x.toFixed(0) : x.toFixed(1);
}
function pct(x: number): string {
  return `${x >= 0 ? "+" : ""}${(x * 100).toFixed(0)}%`;
}
