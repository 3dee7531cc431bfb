import { describe, expect, it } from "vitest";
import { correctionFactor, emptyCalibration, recordObservation, type TCalibrationTable } from "./calibration.ts";
import { predictPerformance } from "./predict-performance.ts";

const KEY = { model: "llama-3.1-70b", gpu: "H100-SXM", tp: 4 };
const WORKLOAD = { model: KEY.model, gpu: KEY.gpu, tp: KEY.tp, inputTokens: 1000, outputTokens: 300 };

/** Deterministic ±spread noise so the test is repeatable. */
function jitter(i: number, spread: number): number {
  return 1 + spread * Math.sin(i * 12.9898);
}

function report(table: TCalibrationTable, observed: number, predicted: number): TCalibrationTable {
  return recordObservation(table, { ...KEY, observedTokensPerSecond: observed, predictedTokensPerSecond: predicted });
}

describe("self-calibration", () => {
  const raw = predictPerformance(WORKLOAD).tokensPerSecond;

  it("converges to a GPU 30% slower than modelled within 5% after ≤ 6 noisy reports", () => {
    let table = emptyCalibration();
    for (let i = 1; i <= 6; i += 1) table = report(table, raw * 0.7 * jitter(i, 0.04), raw);
    const corrected = predictPerformance({ ...WORKLOAD, calibration: table }).tokensPerSecond;
    expect(Math.abs(corrected / (raw * 0.7) - 1)).toBeLessThan(0.05);
  });

  it("is barely moved by one wild outlier", () => {
    let table = emptyCalibration();
    for (let i = 1; i <= 6; i += 1) table = report(table, raw * 0.7 * jitter(i, 0.04), raw);
    const before = correctionFactor(table, KEY);
    const afterHigh = correctionFactor(report(table, raw * 20, raw), KEY);
    const afterLow = correctionFactor(report(table, raw * 0.01, raw), KEY);
    expect(Math.abs(afterHigh / before - 1)).toBeLessThan(0.05);
    expect(Math.abs(afterLow / before - 1)).toBeLessThan(0.05);
  });

  it("halves the effect of a single first report and ignores bad numbers", () => {
    const one = report(emptyCalibration(), raw * 0.49, raw);
    expect(correctionFactor(one, KEY)).toBeCloseTo(0.7, 5);
    expect(report(one, 0, raw)).toBe(one);
    expect(report(one, Number.NaN, raw)).toBe(one);
  });

  it("keeps entries apart per (model, GPU, TP) and never mutates its input", () => {
    const start = emptyCalibration();
    const next = report(start, raw * 0.5, raw);
    expect(start.entries).toEqual({});
    expect(correctionFactor(next, { ...KEY, tp: 8 })).toBe(1);
    expect(correctionFactor(undefined, KEY)).toBe(1);
  });

  it("follows a real change once it persists (window of recent reports)", () => {
    let table = emptyCalibration();
    for (let i = 0; i < 10; i += 1) table = report(table, raw * 0.7, raw);
    for (let i = 0; i < 12; i += 1) table = report(table, raw * 1.1, raw);
    expect(correctionFactor(table, KEY)).toBeCloseTo(1.1, 5);
    expect(table.entries["llama-3.1-70b|H100-SXM|4"]?.reports).toBe(22);
  });
});
