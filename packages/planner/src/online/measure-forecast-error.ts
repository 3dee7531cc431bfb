import { forecastLoad, type TRateSample } from "./forecast-load.ts";

export type TForecastError = {
  hours: number;
  /** Mean absolute percentage error of the P50 of the coming hour's mean rate. */
  mape: number;
  /** Share of hours whose actual mean fell inside the forecast's P10–P90 band (≈ 0.8 when calibrated). */
  coverage: number;
};

/**
 * Replays a per-minute request-rate series hour by hour: at each hour boundary, forecast the next
 * hour's mean rate from the minutes reported so far and compare with what came. Hours before
 * `fromHour` are skipped (e.g. 24 to score only forecasts made with a day of history).
 */
export function measureForecastError(
  loadRps: ArrayLike<number>,
  options: { epoch: number; expectedRps: number; fromHour?: number },
): TForecastError {
  const samples: TRateSample[] = Array.from({ length: loadRps.length }, (_, m) => ({
    t: options.epoch + (m + 1) * 60,
    rps: loadRps[m]!,
  }));
  let error = 0;
  let inside = 0;
  let hours = 0;
  for (let h = Math.max(1, options.fromHour ?? 1); (h + 1) * 60 <= loadRps.length; h++) {
    let actual = 0;
    for (let m = h * 60; m < h * 60 + 60; m++) actual += loadRps[m]! / 60;
    if (actual <= 0) continue;
    const now = options.epoch + h * 3600;
    const next = forecastLoad({ samples: samples.slice(0, h * 60), now, expectedRps: options.expectedRps, hours: 1 })
      .points[0]!;
    error += Math.abs(next.p50 - actual) / actual;
    if (actual >= next.p10 && actual <= next.p90) inside++;
    hours++;
  }
  return { hours, mape: hours === 0 ? 0 : error / hours, coverage: hours === 0 ? 0 : inside / hours };
}
