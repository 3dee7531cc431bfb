import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom } from "../random/seeded-random.ts";
import { generateFleetTrace } from "../sim/generate-fleet-trace.ts";
import { forecastLoad, type TRateSample } from "./forecast-load.ts";
import { normalQuantile, sizingLoad } from "./sizing-load.ts";
import { measureForecastError } from "./measure-forecast-error.ts";

/** Monday 2026-07-06 00:00 UTC. */
const MONDAY = Date.UTC(2026, 6, 6) / 1000;
const HOUR = 3600;

/** Per-minute samples of rate(t) (t in seconds from MONDAY), stamped at each minute's end. */
function series(minutes: number, rate: (t: number) => number): TRateSample[] {
  return Array.from({ length: minutes }, (_, m) => ({ t: MONDAY + (m + 1) * 60, rps: rate(m * 60 + 30) }));
}
const daily = (t: number): number => {
  const hour = (t % 86400) / HOUR;
  const weekend = Math.floor(t / 86400) % 7 >= 5;
  return (weekend ? 0.6 : 1) * 30 * (0.575 + 0.425 * Math.sin(((hour - 9) / 24) * 2 * Math.PI));
};
const hourMean = (from: number, rate: (t: number) => number): number => {
  let s = 0;
  for (let m = 0; m < 60; m++) s += rate(from - MONDAY + m * 60 + 30);
  return s / 60;
};

describe("forecastLoad", () => {
  it("with under an hour of reports, says so (not 'only 0 h reported')", () => {
    const f = forecastLoad({ samples: series(20, () => 5), now: MONDAY + 20 * 60, expectedRps: 40, hours: 3 });
    expect(f.explanation).toMatch(/^under an hour reported: the last hour's 5\.0 req\/s carried forward/);
  });

  it("before any report, forecasts the submitted rate as the peak", () => {
    const f = forecastLoad({ samples: [], now: MONDAY, expectedRps: 40, hours: 3 });
    expect(f.basis).toBe("submitted-rate");
    expect(f.points).toHaveLength(3);
    for (const p of f.points) {
      expect(p.p90).toBe(40);
      expect(p.p10).toBeLessThan(p.p50);
      expect(p.p50).toBeLessThan(p.p90);
    }
    expect(f.explanation).toContain("40 req/s");
  });

  it("before a whole day is seen, keeps the hourly forecast under the submitted peak or the busiest hour seen", () => {
    // A morning ramp: 2 → 20 req/s over eight hours, which a local trend would carry far past 30.
    const ramp = (t: number): number => 2 + (18 * t) / (8 * HOUR);
    const now = MONDAY + 8 * HOUR;
    const f = forecastLoad({ samples: series(8 * 60, ramp), now, expectedRps: 30, hours: 6 });
    expect(f.basis).toBe("recent-level");
    expect(Math.max(...f.points.map((p) => p.p90))).toBe(30);
    for (const p of f.points) expect(p.p10).toBeLessThanOrEqual(p.p50);
    // Submitted too low: the load has already run above it, so the busiest hour seen is the ceiling.
    const low = forecastLoad({ samples: series(8 * 60, ramp), now, expectedRps: 5, hours: 6 });
    const busiest = hourMean(now - HOUR, ramp);
    expect(Math.max(...low.points.map((p) => p.p90))).toBeCloseTo(busiest, 6);
    // With a whole day seen the seasonal fit is not capped.
    const later = forecastLoad({
      samples: series(48 * 60, (t) => 3 * daily(t)),
      now: MONDAY + 48 * HOUR,
      expectedRps: 5,
    });
    expect(later.basis).toBe("seasonal");
    expect(Math.max(...later.points.map((p) => p.p90))).toBeGreaterThan(5 * 3);
  });

  it.each([
    { label: "a weekday afternoon", hour: 8 * 24 + 14 },
    { label: "a weekday night", hour: 9 * 24 + 3 },
    { label: "the second Saturday morning", hour: 12 * 24 + 10 },
  ])("learns the daily and weekly shape: $label within 3% one hour ahead", ({ hour }) => {
    const now = MONDAY + hour * HOUR;
    const f = forecastLoad({ samples: series(hour * 60, daily), now, expectedRps: 30 });
    expect(f.basis).toBe("seasonal");
    const actual = hourMean(now, daily);
    expect(Math.abs(f.points[0]!.p50 - actual) / actual).toBeLessThan(0.03);
  });

  it("on a first morning, forecasts a climbing load above the last hour, not behind it", () => {
    // The online week's assistant-70b, its first ten hours: down through the night, then climbing.
    const hourly = [2.64, 1.88, 1.51, 1.27, 1.26, 1.58, 1.94, 2.23, 2.87, 4.1];
    const samples = series(600, (t) => hourly[Math.floor(t / HOUR)]!);
    const f = forecastLoad({ samples, now: MONDAY + 10 * HOUR, expectedRps: 8, hours: 1 });
    expect(f.basis).toBe("recent-level");
    expect(f.points[0]!.p50).toBeGreaterThan(4.1);
  });

  it("follows a trend: a service growing 20% a week is forecast ahead of its past weeks", () => {
    const growing = (t: number) => daily(t) * Math.pow(1.2, t / (7 * 86400));
    const now = MONDAY + 15 * 24 * HOUR + 14 * HOUR;
    const f = forecastLoad({ samples: series(15 * 24 * 60 + 14 * 60, growing), now, expectedRps: 30 });
    const actual = hourMean(now, growing);
    expect(Math.abs(f.points[0]!.p50 - actual) / actual).toBeLessThan(0.04);
  });

  it("ignores samples after now and is deterministic", () => {
    const now = MONDAY + 30 * HOUR;
    const samples = series(40 * 60, daily);
    const a = forecastLoad({ samples, now, expectedRps: 30 });
    const b = forecastLoad({ samples: samples.filter((s) => s.t <= now), now, expectedRps: 30 });
    expect(a).toEqual(b);
    expect(forecastLoad({ samples, now, expectedRps: 30 })).toEqual(a);
  });

  it("measures bursts within the hour from minute reports", () => {
    const rng = createRandom(3);
    const bursty = series(3 * 24 * 60, () => 10 * (rng.next() < 0.05 ? 1.8 : 1));
    const f = forecastLoad({ samples: bursty, now: MONDAY + 72 * HOUR, expectedRps: 10 });
    expect(f.burst.p99).toBeGreaterThan(1.5);
    expect(f.burst.logSd).toBeGreaterThan(0.05);
  });

  it("keeps P10 ≤ P50 ≤ P90 ≥ 0 for any reported series", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 1, maxLength: 600 }),
        fc.integer({ min: 1, max: 8 }),
        (rates, step) => {
          const samples = rates.map((rps, i) => ({ t: MONDAY + (i + 1) * 60 * step, rps }));
          const now = samples.at(-1)!.t;
          const f = forecastLoad({ samples, now, expectedRps: 10, hours: 4 });
          for (const p of f.points) {
            expect(p.p10).toBeGreaterThanOrEqual(0);
            expect(p.p10).toBeLessThanOrEqual(p.p50 + 1e-9);
            expect(p.p50).toBeLessThanOrEqual(p.p90 + 1e-9);
            expect(Number.isFinite(p.p90)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("forecasts the fleet trace's hourly rate one hour ahead within the 15% MAPE goal (three days, all services)", () => {
    const trace = generateFleetTrace({ seed: 11, days: 3 });
    for (const s of trace.services) {
      const error = measureForecastError(s.loadRps, { epoch: MONDAY, expectedRps: s.peakRps });
      expect(error.hours).toBe(71);
      expect(error.mape).toBeLessThan(0.15);
      expect(error.coverage).toBeGreaterThan(0.6);
    }
  }, 30_000);
});

describe("sizingLoad", () => {
  it("rises with the quantile and with extra noise, and follows the curve inside the window", () => {
    const now = MONDAY + 8 * 24 * HOUR + 6 * HOUR;
    const f = forecastLoad({ samples: series(8 * 24 * 60 + 6 * 60, daily), now, expectedRps: 30 });
    const p50 = sizingLoad(f, now, now + 1800, 0.5);
    const p90 = sizingLoad(f, now, now + 1800, 0.9);
    expect(p90).toBeGreaterThan(p50);
    expect(sizingLoad(f, now, now + 1800, 0.9, 0.1)).toBeGreaterThan(p90);
    // Morning ramp: the window ending later needs more.
    expect(sizingLoad(f, now, now + 3 * HOUR, 0.9)).toBeGreaterThan(p90);
  });

  it("before a whole day is seen, sizes the hourly level up to the submitted peak, with only bursts and speed noise on top", () => {
    // Two hours at a flat 10 req/s for a service submitted with a 14 req/s peak: the early band is
    // wide, and its P99 alone would size the service well past the peak its owner planned.
    const now = MONDAY + 2 * HOUR;
    const f = forecastLoad({ samples: series(120, () => 10), now, expectedRps: 14 });
    expect(f.basis).toBe("recent-level");
    expect(f.ceiling).toBe(14);
    const z = normalQuantile(0.99);
    const onTop = Math.exp(z * Math.sqrt(f.burst.logSd ** 2 + 0.08 ** 2));
    const sized = sizingLoad(f, now, now + HOUR, 0.99, 0.08);
    expect(sized).toBeLessThanOrEqual(14 * onTop + 1e-9);
    expect(sized).toBeLessThan(sizingLoad({ ...f, ceiling: undefined }, now, now + HOUR, 0.99, 0.08));
    // Load already above the peak is never sized below what it runs at now.
    const over = forecastLoad({ samples: series(120, () => 20), now, expectedRps: 14 });
    expect(over.ceiling).toBeCloseTo(20, 6);
    expect(sizingLoad(over, now, now + HOUR, 0.99, 0.08)).toBeGreaterThan(20);
    // Once the forecast is seasonal there is no ceiling.
    const later = MONDAY + 8 * 24 * HOUR + 6 * HOUR;
    expect(forecastLoad({ samples: series(8 * 24 * 60 + 6 * 60, daily), now: later, expectedRps: 30 }).ceiling).toBe(
      undefined,
    );
  });

  it("normalQuantile inverts the standard normal", () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 6);
  });
});
