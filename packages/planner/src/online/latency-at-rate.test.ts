import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { predictPerformance } from "../perf/predict-performance.ts";
import { latencyAtRate, meetsTargets, sustainedRate } from "./latency-at-rate.ts";
import { profileReplica, type TReplicaShape } from "./profile-replica.ts";

const SHAPES: (TReplicaShape & { name: string })[] = [
  { name: "8B on A100 TP1", model: "llama-3.1-8b", gpu: "A100-80GB", tp: 1, inputTokens: 1000, outputTokens: 250 },
  { name: "70B on H100 TP4", model: "llama-3.1-70b", gpu: "H100-SXM", tp: 4, inputTokens: 1500, outputTokens: 300 },
  { name: "7B RAG on L40S TP1", model: "qwen2.5-7b", gpu: "L40S", tp: 1, inputTokens: 2000, outputTokens: 150 },
];

describe("latencyAtRate", () => {
  it.each(SHAPES)("$name: p95 TTFT and TPOT never fall as the arrival rate rises", (shape) => {
    const profile = profileReplica(shape);
    const max = profile.rps.at(-1)!;
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a < b ? [a, b] : [b, a];
          const x = latencyAtRate(profile, lo * max);
          const y = latencyAtRate(profile, hi * max);
          expect(y.ttftP95Ms).toBeGreaterThanOrEqual(x.ttftP95Ms - 1e-9);
          expect(y.tpotP95Ms).toBeGreaterThanOrEqual(x.tpotP95Ms - 1e-9);
          expect(y.concurrency).toBeGreaterThanOrEqual(x.concurrency - 1e-9);
        },
      ),
    );
  });

  it.each(SHAPES)("$name: at or beyond the most it can finish, the queue grows without bound", (shape) => {
    const profile = profileReplica(shape);
    const r = latencyAtRate(profile, profile.rps.at(-1)! * 1.01);
    expect(r.saturated).toBe(true);
    expect(r.ttftP95Ms).toBe(Infinity);
  });

  it("reads TPOT above the mean batch (Poisson batches) and adds a slot wait near a full batch", () => {
    const shape = SHAPES[0]!;
    const profile = profileReplica(shape);
    const r = latencyAtRate(profile, 4);
    const atMean = predictPerformance({ ...shape, batch: Math.round(r.concurrency) });
    expect(r.concurrencyP95).toBeGreaterThan(r.concurrency);
    expect(r.tpotP95Ms).toBeGreaterThan(atMean.tpotP95Ms);
    // Close to the full-batch rate, TTFT is dominated by the wait for a batch slot.
    const near = latencyAtRate(profile, profile.rps.at(-1)! * 0.999);
    expect(near.ttftP95Ms).toBeGreaterThan(profile.ttftP95Ms.at(-1)! + 1000);
  });
});

describe("sustainedRate", () => {
  const targets = [
    { ttftP95Ms: 1000, tpotP95Ms: 50 },
    { ttftP95Ms: 300, tpotP95Ms: 100 },
    { ttftP95Ms: 2000, tpotP95Ms: 30 },
  ];
  it.each(SHAPES.flatMap((s) => targets.map((t) => ({ ...s, t }))))(
    "$name at TTFT $t.ttftP95Ms / TPOT $t.tpotP95Ms ms: meets the targets at the rate, misses just above it",
    ({ t, ...shape }) => {
      const profile = profileReplica(shape);
      const r = sustainedRate(profile, t);
      if (r.rps === 0) {
        expect(meetsTargets(r.idle, t)).toBe(false);
        return;
      }
      expect(meetsTargets(latencyAtRate(profile, r.rps), t)).toBe(true);
      const above = latencyAtRate(profile, r.rps * 1.01);
      expect(meetsTargets(above, t)).toBe(false);
      if (r.binding === "tpot") expect(above.tpotP95Ms).toBeGreaterThan(t.tpotP95Ms);
      if (r.binding === "ttft") expect(above.ttftP95Ms).toBeGreaterThan(t.ttftP95Ms);
      if (r.binding === "throughput") expect(above.saturated).toBe(true);
    },
  );

  it("is 0 with the target that fails when even a lone request misses it", () => {
    const profile = profileReplica(SHAPES[1]!);
    const tpot = sustainedRate(profile, { ttftP95Ms: 5000, tpotP95Ms: 2 });
    expect(tpot).toMatchObject({ rps: 0, binding: "tpot" });
    const ttft = sustainedRate(profile, { ttftP95Ms: 5, tpotP95Ms: 500 });
    expect(ttft).toMatchObject({ rps: 0, binding: "ttft" });
  });

  it("a faster replica (speed > 1) sustains more inside the same targets", () => {
    const t = { ttftP95Ms: 1000, tpotP95Ms: 50 };
    const slow = sustainedRate(profileReplica({ ...SHAPES[0]!, speed: 0.8 }), t).rps;
    const base = sustainedRate(profileReplica(SHAPES[0]!), t).rps;
    const fast = sustainedRate(profileReplica({ ...SHAPES[0]!, speed: 1.25 }), t).rps;
    expect(slow).toBeLessThan(base);
    expect(fast).toBeGreaterThan(base);
  });
});
