import { describe, expect, it } from "vitest";
import { buildForecastSeries, describeForecast, samplePoints } from "./forecast-series";

const t = (min: number) => new Date(Date.UTC(2026, 4, 1, 10, min));

describe("buildForecastSeries", () => {
  const points = [
    { at: t(0), completed: 0, total: 1000 },
    { at: t(10), completed: 200, total: 1000 },
  ];
  const forecast = { p10: t(30).toISOString(), p50: t(40).toISOString(), p90: t(50).toISOString() };

  it("draws the band from the latest point to the total at P90 (low edge) and P10 (high edge)", () => {
    const { data, total } = buildForecastSeries({ points, forecast, decisions: [], steps: 4 });
    expect(total).toBe(1000);
    expect(data).toHaveLength(6);
    expect(data[1]).toMatchObject({ completed: 200, band: [200, 200], p50: 200 });
    // t = 20 min: the P10 line is half way (600), the P90 line a quarter (400), P50 a third.
    expect(data[2]!.t).toBe(t(20).getTime());
    expect(data[2]!.band).toEqual([400, 600]);
    expect(data[2]!.p50).toBeCloseTo(200 + 800 / 3);
    expect(data.at(-1)).toMatchObject({ band: [1000, 1000], p50: 1000 });
  });

  it("has no projection without a forecast or once done", () => {
    expect(buildForecastSeries({ points, forecast: null, decisions: [] }).data).toHaveLength(2);
    expect(
      buildForecastSeries({ points: [{ at: t(0), completed: 1000, total: 1000 }], forecast, decisions: [] }).data,
    ).toHaveLength(1);
  });

  it("marks scaling and pauses at the progress they happened at, not the initial plan", () => {
    const { markers } = buildForecastSeries({
      points,
      forecast: null,
      decisions: [
        { kind: "initial", createdAt: t(0) },
        { kind: "scale_up", createdAt: t(12) },
        { kind: "rebalance_pause", createdAt: t(5) },
      ],
    });
    expect(markers).toEqual([
      { t: t(12).getTime(), y: 200, kind: "scale_up", label: "scaled up" },
      { t: t(5).getTime(), y: 0, kind: "rebalance_pause", label: "paused" },
    ]);
  });
});

describe("describeForecast / samplePoints", () => {
  const points = [
    { at: t(0), completed: 0, total: 10_000 },
    { at: t(40), completed: 3_000, total: 10_000 },
  ];
  const forecast = { p10: t(95).toISOString(), p50: t(110).toISOString(), p90: t(135).toISOString() };

  it("says progress, the forecast finish with its 80% band, and the deadline", () => {
    expect(describeForecast({ points, forecast, deadlineAt: t(180).toISOString() }, "UTC")).toBe(
      "3,000 of 10,000 requests done at 10:40; forecast to finish at 11:50 (80% likely between 11:35 and 12:15); deadline 13:00.",
    );
    expect(describeForecast({ points: [], forecast: null, deadlineAt: null }, "UTC")).toBe("No progress reported yet.");
  });

  it("keeps the first and the latest point and spreads the rest", () => {
    const many = Array.from({ length: 100 }, (_, i) => i);
    const picked = samplePoints(many, 5);
    expect(picked).toEqual([0, 25, 50, 74, 99]);
    expect(samplePoints([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });
});
