import { describe, expect, it } from "vitest";
import { maxColocatedServed, paretoSearch } from "./pareto-search.ts";
import { testCandidate } from "./test-inputs.ts";

// Pool a sells GPUs at $2/h: one serves 1 req/s, a TP2 pair 2.5 req/s (at most one of those).
// Pool b sells them at $3/h, 1.2 req/s each.
const a1 = testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 2, maxCount: 1 });
const a2 = testCandidate({ poolId: "a", role: "both", rate: 2.5, pricePerHour: 4, gpus: 2, tp: 2, maxCount: 1 });
const b1 = testCandidate({ poolId: "b", role: "both", rate: 1.2, pricePerHour: 3 });
const pools = new Map([
  ["a", 3],
  ["b", 2],
]);

describe("paretoSearch", () => {
  it("online: the cheapest mix per hour that carries the rate", () => {
    // 3.5 req/s from pool a's 3 GPUs ($6/h) beats anything with pool b in it.
    expect(paretoSearch([a1, a2, b1], pools, { kind: "online", requiredRate: 3 })).toEqual([
      { candidate: a1, count: 1 },
      { candidate: a2, count: 1 },
    ]);
    // 4.8 req/s needs pool b too: the TP2 pair and two of b (4.9 req/s, $10/h); a's 3 GPUs and one
    // of b ($9/h) serve 4.7, and all five GPUs cost $12/h.
    expect(paretoSearch([a1, a2, b1], pools, { kind: "online", requiredRate: 4.8 })).toEqual([
      { candidate: b1, count: 2 },
      { candidate: a2, count: 1 },
    ]);
  });

  it("batch: the lowest cost per request, the cheaper plan on a tie", () => {
    // The TP2 pair costs $1.60 per req/s·h; one of it is enough for 2 req/s.
    expect(paretoSearch([a1, a2, b1], pools, { kind: "batch", requiredRate: 2 })).toEqual([
      { candidate: a2, count: 1 },
    ]);
    // 3 req/s: a's 3 GPUs ($6 for 3.5, 1.71) beat the pair with one of b ($7 for 3.7, 1.89).
    expect(paretoSearch([a1, a2, b1], pools, { kind: "batch", requiredRate: 3 })).toEqual([
      { candidate: a1, count: 1 },
      { candidate: a2, count: 1 },
    ]);
  });

  it("keeps to the GPU cap and the hourly budget, or finds nothing", () => {
    expect(paretoSearch([a1, a2, b1], pools, { kind: "online", requiredRate: 3, maxGpus: 2 })).toBeUndefined();
    expect(paretoSearch([a1, a2, b1], pools, { kind: "online", requiredRate: 2.4, maxGpus: 2 })).toEqual([
      { candidate: a2, count: 1 },
    ]);
    expect(paretoSearch([a1, a2, b1], pools, { kind: "online", requiredRate: 3, perHourBudget: 5.99 })).toBeUndefined();
    expect(paretoSearch([a1, a2, b1], pools, { kind: "online", requiredRate: 3, perHourBudget: 6 })).toHaveLength(2);
    expect(paretoSearch([a1, a2, b1], pools, { kind: "online", requiredRate: 6 })).toBeUndefined();
  });

  it("uses colocated candidates with room only", () => {
    // A prefill replica in a pool of its own, far cheaper than a1: it is not a colocated replica.
    const prefill = testCandidate({ poolId: "c", role: "prefill", rate: 5, pricePerHour: 0.1 });
    const withC = new Map([...pools, ["c", 4]]);
    expect(paretoSearch([a1, prefill, { ...b1, maxCount: 0 }], withC, { kind: "online", requiredRate: 1 })).toEqual([
      { candidate: a1, count: 1 },
    ]);
    expect(paretoSearch([a1], new Map(), { kind: "online", requiredRate: 1 })).toBeUndefined();
  });
});

describe("maxColocatedServed", () => {
  it("every pool at its best use of all its GPUs", () => {
    expect(maxColocatedServed([a1, a2, b1], pools)).toEqual([
      { candidate: a1, count: 1 },
      { candidate: a2, count: 1 },
      { candidate: b1, count: 2 },
    ]);
  });

  it("under a GPU cap, the best split of the GPUs between pools", () => {
    // 3 GPUs: the TP2 pair and one of b (3.7 req/s) beat pool a alone (3.5) and a1 with two of b (3.4).
    expect(maxColocatedServed([a1, a2, b1], pools, 3)).toEqual([
      { candidate: a2, count: 1 },
      { candidate: b1, count: 1 },
    ]);
    expect(maxColocatedServed([a1, a2, { ...b1, role: "decode" }], pools, 1)).toEqual([{ candidate: a1, count: 1 }]);
  });
});
