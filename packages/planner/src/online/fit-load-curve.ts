import { fitRidge } from "./fit-ridge.ts";
import type { TLoadForecast, TRateSample } from "./forecast-load.ts";

const HOUR = 3600;
const DAY = 86400;
/** History used, and how fast old weeks fade (a drifting service is followed within weeks). */
const HISTORY_HOURS = 28 * 24;
const HALF_LIFE_HOURS = 14 * 24;
const HARMONICS = 4;
/** Bursts within the hour are measured over the last three days. */
const BURST_HOURS = 72;
/** Under a day of history, the local level and slope follow the last few hours. */
const LOCAL_HALF_LIFE_HOURS = 3;
const LOCAL_PENALTIES = [1e-6, 0.05];
/** Bursts before enough minutes are reported: a modest spread that does not persist. */
export const PRIOR_BURST: TLoadForecast["burst"] = {
  p95: 1.15,
  p99: 1.25,
  logSd: 0.1,
  persistence: 0,
  intervalSeconds: 60,
};

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
export const PENALTIES = [1e-6, 40, ...new Array<number>(2 * HARMONICS).fill(0.5), 4, ...new Array<number>(7).fill(12)];

function quantile(sorted: ArrayLike<number>, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i]!;
}

export type THour = { mid: number; mean: number; samples: TRateSample[] };

export function hourlyMeans(samples: readonly TRateSample[], now: number): THour[] {
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

export function burstOf(hours: readonly THour[]): TLoadForecast["burst"] {
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
  if (deviations.length < 120) return PRIOR_BURST;
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
export function fitCurve(hours: readonly THour[], now: number, log: (r: number) => number): (t: number) => number {
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
