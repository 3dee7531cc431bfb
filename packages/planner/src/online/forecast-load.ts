import { z } from "zod";
import { fitRidge } from "./fit-ridge.ts";

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
  explanation: string;
};

const HOUR = 3600;
const DAY = 86400;
const Z90 = 1.2815515655446004;
/** History used, and how fast old weeks fade (a drifting service is followed within weeks). */
const HISTORY_HOURS = 28 * 24;
const HALF_LIFE_HOURS = 14 * 24;
const HARMONICS = 4;
/** Bursts within the hour are measured over the last three days. */
const BURST_HOURS = 72;
/** Under a day of history, the local level and slope follow the last few hours. */
const LOCAL_HALF_LIFE_HOURS = 3;
const LOCAL_PENALTIES = [1e-6, 0.05];
/** Cold-start shape: the submitted rate is the peak; a day typically spans down to a quarter of it. */
const COLD = { p10: 0.25, p50: 0.6, p90: 1 };
/** Before enough residuals exist: moderate persistence and a wide band. */
const PRIOR = {
  persistence: 0.5,
  residualSd: 0.25,
  burst: { p95: 1.15, p99: 1.25, logSd: 0.1, persistence: 0, intervalSeconds: 60 },
};
/** The current level: the mean of the reports over the last five minutes. */
const RECENT_SECONDS = 300;

/** Features of time t: level, trend (weeks from now), daily harmonics, weekend, day of week (Monday = 0). */
function features(t: number, now: number): number[] {
  const hourOfDay = (((t % DAY) + DAY) % DAY) / HOUR;
  const dow = (((Math.floor(t / DAY) + 3) % 7) + 7) % 7;
  const x = [1, (t - now) / (7 * DAY)];
  for (let k = 1; k <= HARMONICS; k++) {
    const a = (2 * Math.PI * k * hourOfDay) / 24;
    x.push(Math.sin(a), Math.cos(a));
  }
  x.push(dow >= 5 ? 1 : 0);
  for (let d = 0; d < 7; d++) x.push(d === dow ? 1 : 0);
  return x;
}
/** Ridge penalties, in hours of evidence: level free, trend held back, shape light, weekdays shrunk. */
const PENALTIES = [1e-6, 40, ...new Array<number>(2 * HARMONICS).fill(0.5), 4, ...new Array<number>(7).fill(12)];

function quantile(sorted: ArrayLike<number>, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i]!;
}

type THour = { mid: number; mean: number; samples: TRateSample[] };

function hourlyMeans(samples: readonly TRateSample[], now: number): THour[] {
  const byHour = new Map<number, TRateSample[]>();
  for (const s of samples) {
    if (s.t > now || s.t <= now - HISTORY_HOURS * HOUR) continue;
    // A sample ending exactly on the hour describes the hour before it.
    const h = Math.floor((s.t - 1e-6) / HOUR);
    if ((h + 1) * HOUR > now) continue;
    const list = byHour.get(h);
    if (list) list.push(s);
    else byHour.set(h, [s]);
  }
  return [...byHour]
    .sort((a, b) => a[0] - b[0])
    .map(([h, list]) => ({
      mid: h * HOUR + HOUR / 2,
      mean: list.reduce((x, y) => x + y.rps, 0) / list.length,
      samples: list.sort((a, b) => a.t - b.t),
    }));
}

function burstOf(hours: readonly THour[]): TLoadForecast["burst"] {
  const deviations: number[] = [];
  const gaps: number[] = [];
  const pairs: [number, number][] = [];
  for (const h of hours.slice(-BURST_HOURS)) {
    if (h.mean <= 0 || h.samples.length < 6) continue;
    let previous: { t: number; d: number } | null = null;
    for (const s of h.samples) {
      const d = Math.log(Math.max(s.rps, 1e-6 * h.mean) / h.mean);
      deviations.push(d);
      if (previous) {
        gaps.push(s.t - previous.t);
        pairs.push([previous.d, d]);
      }
      previous = { t: s.t, d };
    }
  }
  if (deviations.length < 120) return PRIOR.burst;
  const sorted = Float64Array.from(deviations).sort();
  const mean = deviations.reduce((a, b) => a + b, 0) / deviations.length;
  const variance = deviations.reduce((a, d) => a + (d - mean) ** 2, 0) / deviations.length;
  const covariance = pairs.reduce((a, [x, y]) => a + (x - mean) * (y - mean), 0) / Math.max(1, pairs.length);
  return {
    p95: Math.exp(Math.max(0, quantile(sorted, 0.95))),
    p99: Math.exp(Math.max(0, quantile(sorted, 0.99))),
    logSd: Math.sqrt(variance),
    persistence: variance > 0 ? Math.min(0.999, Math.max(0, covariance / variance)) : 0,
    intervalSeconds: quantile(Float64Array.from(gaps).sort(), 0.5),
  };
}

/**
 * log(rate) as a function of time. From a day of history: the seasonal regression (trend, daily
 * harmonics, weekend, weekdays; recent weeks weigh more). Before that there is no daily shape to
 * learn, so a local level and slope weighted to the last few hours.
 */
function fitCurve(hours: readonly THour[], now: number, log: (r: number) => number): (t: number) => number {
  const seasonal = hours.length >= 24;
  const featuresOf = seasonal ? (t: number) => features(t, now) : (t: number) => [1, (t - now) / DAY];
  const halfLife = seasonal ? HALF_LIFE_HOURS : LOCAL_HALF_LIFE_HOURS;
  const beta = fitRidge(
    hours.map((h) => featuresOf(h.mid)),
    hours.map((h) => log(h.mean)),
    hours.map((h) => Math.pow(0.5, (now - h.mid) / HOUR / halfLife)),
    seasonal ? PENALTIES : LOCAL_PENALTIES,
  );
  return (t) => featuresOf(t).reduce((s, x, i) => s + x * beta[i]!, 0);
}

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
  const points = windows.map((w) => {
    const mid = (w.start + w.end) / 2;
    const k = (mid - anchorMid) / HOUR;
    const carried = Math.pow(persistence, k) * anchorResidual;
    const arVariance =
      persistence < 1 ? (residualSd ** 2 * (1 - persistence ** (2 * k))) / (1 - persistence ** 2) : residualSd ** 2 * k;
    const sd = Math.sqrt(arVariance + fitVariance);
    const mu = model(mid) + carried;
    const rate = (z: number): number => Math.max(0, Math.exp(mu + z * sd) - floor);
    return { ...w, p10: rate(-Z90), p50: rate(0), p90: rate(Z90) };
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
    explanation:
      basis === "seasonal"
        ? `seasonal fit of ${hours.length} h (daily shape, weekdays, trend); the last hour ran ${pct(Math.exp(anchorResidual) - 1)} vs the fit: next hour ${fmt(first.p50)} req/s (P10–P90 ${fmt(first.p10)}–${fmt(first.p90)})`
        : `only ${hours.length} h reported: the last hour's ${fmt(anchorMean)} req/s carried forward, band widened (next hour P10–P90 ${fmt(first.p10)}–${fmt(first.p90)} req/s)`,
  };
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

/** Seconds between the instants `sizingLoad` looks at. */
const SIZING_STEP = 300;

/**
 * The load to size for over [from, to]: the `quantile` of the request rate in one report interval,
 * maximised over the interval. The expected curve runs through the hours' forecast medians from
 * the last hour's observed mean; the current burst (the last five minutes against that curve)
 * fades with the bursts' measured persistence; the spread combines the hour's forecast band, the
 * part of the burst variance not yet pinned down by the current level, and `extraLogSd` (e.g. how
 * much the replicas' own speed varies).
 */
export function sizingLoad(
  forecast: TLoadForecast,
  from: number,
  to: number,
  quantile: number,
  extraLogSd = 0,
): number {
  const z = normalQuantile(quantile);
  const knots = forecast.points
    .filter((p) => p.p50 > 0)
    .map((p) => ({
      mid: (p.start + p.end) / 2,
      log: Math.log(p.p50),
      sd: Math.log(Math.max(p.p90, p.p50) / p.p50) / Z90,
    }));
  if (forecast.lastHour && forecast.lastHour.rps > 0 && knots.length > 0)
    knots.unshift({ mid: forecast.lastHour.mid, log: Math.log(forecast.lastHour.rps), sd: knots[0]!.sd });
  if (knots.length === 0) return 0;
  const curve = (t: number): { log: number; sd: number } => {
    let i = 0;
    while (i < knots.length - 1 && knots[i + 1]!.mid <= t) i++;
    const a = knots[i]!;
    const b = knots[Math.min(i + 1, knots.length - 1)]!;
    const f = b.mid > a.mid ? Math.min(1, Math.max(0, (t - a.mid) / (b.mid - a.mid))) : 0;
    return { log: a.log + f * (b.log - a.log), sd: a.sd + f * (b.sd - a.sd) };
  };
  const { burst, recent } = forecast;
  const burstNow = recent && recent.rps > 0 ? Math.log(recent.rps) - curve(recent.t).log : 0;
  const at = (t: number): number => {
    const c = curve(t);
    const carried = recent ? Math.pow(burst.persistence, Math.max(0, t - recent.t) / burst.intervalSeconds) : 0;
    const sd = Math.sqrt(c.sd ** 2 + burst.logSd ** 2 * (1 - carried ** 2) + extraLogSd ** 2);
    return Math.exp(c.log + carried * burstNow + z * sd);
  };
  let peak = 0;
  for (let t = from; t < to; t += SIZING_STEP) peak = Math.max(peak, at(t));
  return Math.max(peak, at(to));
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
  const low = 0.02425;
  if (q < low) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (
      (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) /
      ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1)
    );
  }
  if (q > 1 - low) return -normalQuantile(1 - q);
  const r = q - 0.5;
  const t = r * r;
  return (
    ((((((a[0]! * t + a[1]!) * t + a[2]!) * t + a[3]!) * t + a[4]!) * t + a[5]!) * r) /
    (((((b[0]! * t + b[1]!) * t + b[2]!) * t + b[3]!) * t + b[4]!) * t + 1)
  );
}
