import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRandom } from "./seeded-random.ts";

function sample(n: number, draw: () => number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

describe("createRandom", () => {
  it("replays the same sequence for the same seed and differs across seeds", () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    const seqB = Array.from({ length: 20 }, () => b.next());
    const seqC = Array.from({ length: 20 }, () => c.next());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it("keeps next() in [0, 1) and int() within bounds for any seed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        (seed, lo, span) => {
          const r = createRandom(seed);
          for (let i = 0; i < 50; i++) {
            const u = r.next();
            if (!(u >= 0 && u < 1)) return false;
            const k = r.int(lo, lo + span);
            if (!Number.isInteger(k) || k < lo || k > lo + span) return false;
          }
          return true;
        },
      ),
    );
  });

  it.each([
    {
      name: "uniform(2, 6)",
      draw: (s: number) => createRandom(s).uniform.bind(null, 2, 6),
      mean: 4,
      variance: 16 / 12,
    },
    { name: "normal(10, 3)", draw: (s: number) => createRandom(s).normal.bind(null, 10, 3), mean: 10, variance: 9 },
    {
      name: "exponential(0.5)",
      draw: (s: number) => createRandom(s).exponential.bind(null, 0.5),
      mean: 2,
      variance: 4,
    },
    { name: "poisson(4)", draw: (s: number) => createRandom(s).poisson.bind(null, 4), mean: 4, variance: 4 },
    { name: "poisson(200)", draw: (s: number) => createRandom(s).poisson.bind(null, 200), mean: 200, variance: 200 },
  ])("$name has the right mean and variance", ({ draw, mean, variance }) => {
    const stats = sample(100_000, draw(7));
    expect(Math.abs(stats.mean - mean)).toBeLessThan(0.02 * Math.max(1, mean));
    expect(Math.abs(stats.variance - variance) / variance).toBeLessThan(0.05);
  });

  it("gives log-normal draws the requested median", () => {
    const r = createRandom(3);
    const xs = Array.from({ length: 20_001 }, () => r.logNormal(5, 0.4)).sort((x, y) => x - y);
    expect(xs[10_000]).toBeGreaterThan(4.85);
    expect(xs[10_000]).toBeLessThan(5.15);
  });

  it("forks independent, reproducible streams", () => {
    const base = createRandom(11);
    const f1 = base.fork("arrivals");
    const f2 = createRandom(11).fork("arrivals");
    const f3 = createRandom(11).fork("preemptions");
    const s1 = Array.from({ length: 10 }, () => f1.next());
    expect(Array.from({ length: 10 }, () => f2.next())).toEqual(s1);
    expect(Array.from({ length: 10 }, () => f3.next())).not.toEqual(s1);
  });
});
