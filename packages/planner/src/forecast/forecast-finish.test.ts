import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRandom } from "../random/seeded-random.ts";
import { estimateRate, MODEL_RELATIVE_SD, type TProgressSample } from "./estimate-rate.ts";
import { forecastFinish, normalCdf } from "./forecast-finish.ts";
import { formatDuration } from "./format-duration.ts";

/** A run at `rate` units/s with per-interval multiplicative noise, sampled every `every` s. */
function run(
  seed: number,
  rate: number,
  total: number,
  every: number,
  noise: number,
  until: number,
): TProgressSample[] {
  const r = createRandom(seed);
  const out: TProgressSample[] = [{ t: 0, completed: 0, total }];
  let c = 0;
  for (let t = every; t <= until; t += every) {
    c = Math.min(total, c + rate * every * Math.max(0, r.normal(1, noise)));
    out.push({ t, completed: c, total });
  }
  return out;
}

describe("estimateRate", () => {
  it("returns the prior when there is no progress yet", () => {
    const e = estimateRate({
      samples: [
        { t: 0, completed: 0, total: 100 },
        { t: 300, completed: 0, total: 100 },
      ],
      modelledRate: 2,
    });
    expect(e).toMatchObject({ mean: 2, observed: null });
    // The prior's spread is the performance model's band: P10–P90 of ln(measured ÷ predicted).
    expect(e.sd).toBeCloseTo(2 * MODEL_RELATIVE_SD, 12);
    expect(MODEL_RELATIVE_SD).toBeGreaterThan(0.1);
    expect(MODEL_RELATIVE_SD).toBeLessThan(0.5);
  });

  it("follows exact progress and forgets a wrong prior", () => {
    const samples = Array.from({ length: 30 }, (_, i) => ({ t: i * 60, completed: i * 60 * 5, total: 1e6 }));
    const e = estimateRate({ samples, modelledRate: 8 });
    expect(e.mean).toBeGreaterThan(4.97);
    expect(e.mean).toBeLessThan(5.03);
    expect(e.observed?.mean).toBeCloseTo(5, 9);
  });

  it("skips the launch phase before the first progress", () => {
    const samples = [0, 300, 600, 900, 960, 1020, 1080].map((t) => ({
      t,
      completed: Math.max(0, t - 900) * 10,
      total: 1e6,
    }));
    expect(estimateRate({ samples, modelledRate: 10 }).observed?.mean).toBeCloseTo(10, 9);
  });

  it("reacts to a slowdown through the half-life weighting", () => {
    const samples: TProgressSample[] = [];
    let c = 0;
    for (let t = 0; t <= 4 * 3600; t += 60) {
      samples.push({ t, completed: c, total: 1e9 });
      c += (t < 3 * 3600 ? 10 : 5) * 60;
    }
    const e = estimateRate({ samples, modelledRate: 10, halfLifeSeconds: 900 });
    expect(e.mean).toBeLessThan(6);
  });
});

describe("forecastFinish", () => {
  it.each([
    {
      name: "on pace to finish exactly at the deadline → 50% miss, at risk",
      rate: 10,
      deadline: 10_000,
      status: "at-risk",
      pMiss: [0.49, 0.51],
    },
    { name: "twice as fast as needed → ahead", rate: 20, deadline: 10_000, status: "ahead", pMiss: [0, 0.001] },
    {
      name: "half as fast as needed → at risk, sure to miss",
      rate: 5,
      deadline: 10_000,
      status: "at-risk",
      pMiss: [0.999, 1],
    },
    {
      name: "a little faster than needed → on track",
      rate: 11.5,
      deadline: 10_000,
      status: "on-track",
      pMiss: [0, 0.1],
    },
  ])("$name", ({ rate, deadline, status, pMiss }) => {
    const samples = run(1, rate, 100_000, 60, 0, 1800);
    const f = forecastFinish({ samples, modelledRate: rate, deadline, now: 1800 });
    expect(f.status).toBe(status);
    expect(f.missProbability).toBeGreaterThanOrEqual(pMiss[0]!);
    expect(f.missProbability).toBeLessThanOrEqual(pMiss[1]!);
    expect(f.explanation).toMatch(/^predicted \S+ \(P10 \S+, P90 \S+\) vs target 2h17m/);
  });

  it("reports done once the last sample has everything", () => {
    const f = forecastFinish({
      samples: [
        { t: 0, completed: 0, total: 10 },
        { t: 50, completed: 10, total: 10 },
      ],
      modelledRate: 1,
      deadline: 100,
      now: 60,
    });
    expect(f).toMatchObject({ status: "done", missProbability: 0, finish: { p50: 50 } });
  });

  it("keeps P10 ≤ P50 ≤ P90 and a miss probability that falls as the deadline moves out", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.double({ min: 1000, max: 50_000, noNaN: true }),
        (seed, rate, noise, deadline) => {
          const samples = run(seed, rate, 1e6, 120, noise, 3600);
          const a = forecastFinish({ samples, modelledRate: rate * 1.2, deadline, now: 3600 });
          const b = forecastFinish({ samples, modelledRate: rate * 1.2, deadline: deadline * 1.5, now: 3600 });
          return (
            a.finish.p10 <= a.finish.p50 &&
            a.finish.p50 <= a.finish.p90 &&
            b.missProbability <= a.missProbability + 1e-12
          );
        },
      ),
    );
  });

  it("is calibrated: the P10–P90 band holds the true finish about 80% of the time", () => {
    let inside = 0;
    const n = 300;
    for (let seed = 0; seed < n; seed++) {
      const rate = 5 + (seed % 7);
      const total = rate * 20_000;
      const full = run(seed, rate, total, 60, 0.2, 40_000);
      const truth = full.find((s) => s.completed >= total)!.t;
      const f = forecastFinish({
        samples: full.filter((s) => s.t <= 4000),
        modelledRate: rate * 1.3,
        deadline: 30_000,
        now: 4000,
      });
      if (f.finish.p10 <= truth && truth <= f.finish.p90) inside++;
    }
    expect(inside / n).toBeGreaterThan(0.65);
    expect(inside / n).toBeLessThan(0.95);
  });

  it("stays calibrated after only four reports, when the noise itself is barely known", () => {
    // Five-minute reports with 10% noise and a model 30% optimistic with a vague prior: after four
    // increments the spread of the observed rate rests on three degrees of freedom, and a normal
    // band around it holds the finish only about 70% of the time; Student's t brings it to 80%.
    let inside = 0;
    const n = 1000;
    for (let seed = 0; seed < n; seed++) {
      const rate = 5 + (seed % 7);
      const total = rate * 300 * 60;
      const full = run(seed, rate, total, 300, 0.1, 40 * 3600);
      const truth = full.find((s) => s.completed >= total)!.t;
      const f = forecastFinish({
        samples: full.filter((s) => s.t <= 1200),
        modelledRate: rate * 1.3,
        priorRelativeSd: 1,
        deadline: 30 * 3600,
        now: 1200,
      });
      if (f.finish.p10 <= truth && truth <= f.finish.p90) inside++;
    }
    expect(inside / n).toBeGreaterThan(0.76);
    expect(inside / n).toBeLessThan(0.86);
  });
});

describe("helpers", () => {
  it.each([
    [0, 0.5],
    [1.2815515655446004, 0.9],
    [-1.959963984540054, 0.025],
  ])("normalCdf(%d) = %d", (x, p) => {
    expect(normalCdf(x)).toBeCloseTo(p, 6);
  });
  it.each([
    [9900, "2h45m"],
    [7200, "2h"],
    [2880, "48m"],
    [-600, "−10m"],
    [3 * 86400 + 4 * 3600, "3d4h"],
    [86400, "1d"],
    [Infinity, "never"],
  ])("formatDuration(%d) = %s", (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});
