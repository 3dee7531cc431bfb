/**
 * Seeded pseudo-random numbers for the planner. The planner must be deterministic (the simulator,
 * the benchmarks and the what-if page replay the same trace for the same seed), so Math.random is
 * banned; this is xoshiro128** seeded through splitmix32, which passes BigCrush for our purposes
 * and is fast on 32-bit integer arithmetic in V8.
 */
export type TRandom = {
  /** Uniform in [0, 1). */
  next: () => number;
  uniform: (min: number, max: number) => number;
  /** Integer in [min, max] inclusive. */
  int: (min: number, max: number) => number;
  normal: (mean?: number, sd?: number) => number;
  /** Log-normal whose median is `median` and whose log has standard deviation `sigma`. */
  logNormal: (median: number, sigma: number) => number;
  /** Exponential with the given rate (events per unit); mean is 1/rate. */
  exponential: (rate: number) => number;
  poisson: (lambda: number) => number;
  /** An independent stream derived from this seed and a label, so adding draws in one part of a
   * simulation does not shift every other part's numbers. */
  fork: (label: string) => TRandom;
};

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string): number {
  // FNV-1a: cheap, stable, good enough to decorrelate fork labels.
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function createRandom(seed: number): TRandom {
  const mix = splitmix32(seed);
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  if ((a | b | c | d) === 0) a = 1; // xoshiro's one forbidden state

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const next = (): number => nextUint32() / 4294967296;
  let spareNormal: number | null = null;

  const standardNormal = (): number => {
    if (spareNormal !== null) {
      const s = spareNormal;
      spareNormal = null;
      return s;
    }
    // Marsaglia polar method: exact normals without trigonometry, two per accepted pair.
    for (;;) {
      const u = 2 * next() - 1;
      const v = 2 * next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        spareNormal = v * m;
        return u * m;
      }
    }
  };

  const poisson = (lambda: number): number => {
    if (!(lambda > 0)) return 0;
    if (lambda < 30) {
      // Knuth's product method: exact, and cheap for small means.
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    }
    // Large means: normal approximation with continuity correction; error is far below the noise
    // the simulator models, and it keeps arrivals O(1) per draw.
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * standardNormal()));
  };

  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    normal: (mean = 0, sd = 1) => mean + sd * standardNormal(),
    logNormal: (median, sigma) => median * Math.exp(sigma * standardNormal()),
    exponential: (rate) => -Math.log(1 - next()) / rate,
    poisson,
    fork: (label) => createRandom((hashLabel(label) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0),
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
