import { describe, expect, it } from "vitest";
import { estimateRate, type TProgressSample } from "./estimate-rate.ts";
import { studentTQuantile } from "./student-t.ts";

// Exact figures for the estimator's arithmetic (the property tests in forecast-finish.test.ts check
// its behaviour on random runs). Expected values are worked out by hand in the comments, or for the
// noisy trace by an independent re-implementation of the formulas in the doc comment.

const Z90 = 1.2815515655446004;
const at = (t: number, completed: number): TProgressSample => ({ t, completed, total: 1e6 });
/** Four increments of 60 s at exactly 10 units/s. */
const steady = [at(0, 0), at(60, 600), at(120, 1200), at(180, 1800), at(240, 2400)];

describe("estimateRate: the prior alone", () => {
  it("without increments returns the prior, its spread and a progress noise of 10% of the rate over a minute", () => {
    const e = estimateRate({ samples: [at(0, 0)], modelledRate: 20, priorRelativeSd: 0.25 });
    expect(e).toEqual({
      mean: 20,
      sd: 5,
      processVariance: (0.1 * 20) ** 2 * 60,
      observed: null,
      prior: { mean: 20, sd: 5 },
    });
  });

  it("keeps a tiny positive prior spread when the model predicts no rate", () => {
    const e = estimateRate({ samples: [], modelledRate: 0 });
    expect(e.sd).toBe(1e-12);
    expect(e.prior).toEqual({ mean: 0, sd: 1e-12 });
  });
});

describe("estimateRate: which increments count", () => {
  it("skips leading increments with no progress (launch, model load), not later ones", () => {
    const e = estimateRate({
      samples: [at(0, 0), at(60, 0), at(120, 0), at(180, 600), at(240, 600), at(300, 1200)],
      modelledRate: 10,
      priorRelativeSd: 0.2,
    });
    // 120→180, 180→240 (a stall after progress started is kept) and 240→300.
    expect(e.observed?.increments).toBe(3);
    expect(e.observed?.mean).toBeCloseTo(1200 / 180, 1);
    // Three increments are enough to measure the noise: the stall makes it large (the 10%-of-the-rate
    // guess would be (0.1 × 10)² × 60 = 60).
    expect(e.processVariance).toBeGreaterThan(1000);
  });

  it("skips a leading increment that went backwards", () => {
    const e = estimateRate({ samples: [at(0, 50), at(60, 0), at(120, 600)], modelledRate: 10 });
    expect(e.observed?.increments).toBe(1);
    expect(e.observed?.mean).toBeCloseTo(10, 12);
  });

  it("sorts samples by time and ignores a repeated timestamp", () => {
    const e = estimateRate({ samples: [at(120, 1200), at(0, 0), at(60, 600), at(60, 600)], modelledRate: 10 });
    // Sorted: 0, 60, 60, 120; the zero-length step is dropped.
    expect(e.observed?.increments).toBe(2);
    expect(e.observed?.mean).toBeCloseTo(10, 12);
  });

  it("ignores samples before sinceT, and keeps one taken exactly at sinceT", () => {
    const samples = [at(0, 0), at(60, 6000), at(120, 6600), at(180, 7200)];
    const e = estimateRate({ samples, modelledRate: 10, sinceT: 60 });
    expect(e.observed).toMatchObject({ mean: expect.closeTo(10, 12), increments: 2 });
    const all = estimateRate({ samples, modelledRate: 10 });
    expect(all.observed?.increments).toBe(3);
  });
});

describe("estimateRate: the observed rate", () => {
  // Two increments: 1000 in the first 100 s, 2000 in the next 100 s (mid-points 50 s and 150 s).
  const speedUp = [at(0, 0), at(100, 1000), at(200, 3000)];

  it("weights an increment half as much per half-life of age", () => {
    // Half-life 100 s: the older increment (100 s older) weighs half → (1000 + 2·2000) / (100 + 2·100).
    const e = estimateRate({ samples: speedUp, modelledRate: 10, halfLifeSeconds: 100 });
    expect(e.observed?.mean).toBeCloseTo(50 / 3, 12);
  });

  it("uses a one-hour half-life by default", () => {
    const e = estimateRate({ samples: speedUp, modelledRate: 10 });
    // Weights 2^(−150/3600) and 2^(−50/3600).
    expect(e.observed?.mean).toBeCloseTo(15.04813373387025, 10);
  });

  it("with fewer than three increments assumes 10% noise of the larger of the observed and modelled rates", () => {
    const slowModel = estimateRate({ samples: speedUp, modelledRate: 10, halfLifeSeconds: 100 });
    expect(slowModel.processVariance).toBeCloseTo((0.1 * (50 / 3)) ** 2 * 60, 9);
    const fastModel = estimateRate({ samples: speedUp, modelledRate: 40, halfLifeSeconds: 100 });
    expect(fastModel.processVariance).toBeCloseTo((0.1 * 40) ** 2 * 60, 9);
  });

  it("on a perfectly steady trace sees no noise but keeps a floor of 0.5% of the rate on its spread", () => {
    // Prior 5 ± 0.05; observed 10 ± 0.05 (the floor): equal precisions, so the mean is halfway.
    const e = estimateRate({ samples: steady, modelledRate: 5, priorRelativeSd: 0.01 });
    expect(e.processVariance).toBe(0);
    expect(e.observed).toEqual({ mean: expect.closeTo(10, 12), sd: expect.closeTo(0.05, 12), increments: 4 });
    expect(e.mean).toBeCloseTo(7.5, 9);
    expect(e.sd).toBeCloseTo(0.05 / Math.SQRT2, 12);
    expect(e.prior).toEqual({ mean: 5, sd: expect.closeTo(0.05, 12) });
  });

  it("estimates the noise of an irregular trace from the weighted squared residuals", () => {
    const noisy = [at(0, 0), at(60, 600), at(120, 1260), at(180, 1800), at(240, 2460)];
    const e = estimateRate({ samples: noisy, modelledRate: 10, priorRelativeSd: 0.2 });
    expect(e.observed?.mean).toBeCloseTo(10.251460818389727, 9);
    expect(e.processVariance).toBeCloseTo(55.289698453603265, 6);
    // The normal's spread of the observed mean, 0.4800, widened to Student's t at P90: four
    // increments of nearly equal weight leave nEff − 1 ≈ 3 degrees of freedom (1.638 ÷ 1.282).
    expect(e.observed?.sd).toBeCloseTo(0.6130921260060321, 9);
    expect((e.observed?.sd ?? 0) / 0.4800126806002333).toBeCloseTo(studentTQuantile(Z90, 3) / Z90, 3);
    expect(e.mean).toBeCloseTo(10.229860696405753, 9);
    expect(e.sd).toBeCloseTo(0.5861691194746786, 9);

    const shortHalfLife = estimateRate({ samples: noisy, modelledRate: 10, priorRelativeSd: 0.2, halfLifeSeconds: 60 });
    expect(shortHalfLife.observed?.mean).toBeCloseTo(10.4, 9);
    expect(shortHalfLife.processVariance).toBeCloseTo(74.57142857142857, 6);
    // Weights halving every increment leave fewer effective increments, so t widens more.
    expect(shortHalfLife.sd).toBeCloseTo(0.966187007442418, 9);
  });

  it("leans on the prior less as it gets tighter observations", () => {
    const vague = estimateRate({ samples: steady, modelledRate: 5, priorRelativeSd: 1 });
    const sure = estimateRate({ samples: steady, modelledRate: 5, priorRelativeSd: 0.001 });
    expect(vague.mean).toBeGreaterThan(9.99);
    expect(sure.mean).toBeLessThan(5.1);
  });
});
