import type { TLoadForecast } from "./forecast-load.ts";

const Z90 = 1.2815515655446004;
/** Seconds between the instants `sizingLoad` looks at. */
const SIZING_STEP = 300;

/**
 * The load to size for over [from, to]: the `quantile` of the request rate in one report interval,
 * maximised over the interval. The expected curve runs through the hours' forecast medians from
 * the last hour's observed mean; the current burst (the last five minutes against that curve)
 * fades with the bursts' measured persistence; the spread combines the hour's forecast band, the
 * part of the burst variance not yet pinned down by the current level, and `extraLogSd` (e.g. how
 * much the replicas' own speed varies). Before a day of history the hourly part stays under the
 * forecast's ceiling.
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
  // Before a whole day is seen the hourly level is held under the submitted peak (the forecast's
  // ceiling); its quantile must be too, or a wide early band sizes the service for twice its peak.
  // Bursts within the hour and the replicas' speed noise still come on top.
  const ceiling = forecast.ceiling !== undefined && forecast.ceiling > 0 ? Math.log(forecast.ceiling) : Infinity;
  const at = (t: number): number => {
    const c = curve(t);
    const carried = recent ? Math.pow(burst.persistence, Math.max(0, t - recent.t) / burst.intervalSeconds) : 0;
    const level = c.log + carried * burstNow;
    const withinHourVariance = burst.logSd ** 2 * (1 - carried ** 2) + extraLogSd ** 2;
    const full = level + z * Math.sqrt(c.sd ** 2 + withinHourVariance);
    const capped = Math.max(ceiling, level) + z * Math.sqrt(withinHourVariance);
    return Math.exp(Math.min(full, capped));
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
