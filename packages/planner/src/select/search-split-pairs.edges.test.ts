import { describe, expect, it } from "vitest";
import { maxSplitServed, searchSplitPairs } from "./search-split-pairs.ts";
import { testCandidate as candidate } from "./test-inputs.ts";

// The split search's rules at their edges: float allowances met exactly, ties within one pair and
// between pairs, free replicas, and which of several equally good answers is returned.

const pools = new Map([
  ["a", 8],
  ["b", 8],
  ["c", 8],
]);

describe("searchSplitPairs at the edges of its allowances", () => {
  it("online: a plan over the hourly budget only by the float allowance is within it", () => {
    const limit = 11 * (1 + 1e-9);
    // One replica a side carries 5 req/s; the two together cost exactly 11 × (1 + 1e-9) $/h.
    const p = candidate({ poolId: "a", role: "prefill", rate: 5, pricePerHour: limit / 2 });
    const d = candidate({ poolId: "c", role: "decode", rate: 5, pricePerHour: limit / 2 });
    expect(searchSplitPairs([p, d], pools, { kind: "online", requiredRate: 5, perHourBudget: 11 })).toEqual([
      { candidate: p, count: 1 },
      { candidate: d, count: 1 },
    ]);
    expect(searchSplitPairs([p, d], pools, { kind: "online", requiredRate: 5, perHourBudget: 10.99 })).toBeUndefined();
  });

  it("batch: a pair short of the required rate only by the float allowance meets it", () => {
    // The one prefill replica there is serves 5 × (1 − 1e-9) req/s: enough for 5.
    const p = candidate({ poolId: "a", role: "prefill", rate: 5 * (1 - 1e-9), pricePerHour: 1, maxCount: 1 });
    const d = candidate({ poolId: "c", role: "decode", rate: 10, pricePerHour: 1 });
    expect(searchSplitPairs([p, d], pools, { kind: "batch", requiredRate: 5 })).toEqual([
      { candidate: p, count: 1 },
      { candidate: d, count: 1 },
    ]);
  });

  it("batch: with free prefill replicas every decode-bound count costs the same per request; the fewest are kept", () => {
    // $0/h prefill at 2 req/s, $1/h decode at 1 req/s: 1 + 1, 1 + 2, 2 + 3… all cost $1 a req/s.
    const free = candidate({ poolId: "a", role: "prefill", rate: 2, pricePerHour: 0 });
    const d = candidate({ poolId: "c", role: "decode", rate: 1, pricePerHour: 1 });
    expect(searchSplitPairs([free, d], pools, { kind: "batch", requiredRate: 1 })).toEqual([
      { candidate: free, count: 1 },
      { candidate: d, count: 1 },
    ]);
  });

  it("batch: within a pair, counts cheaper per request only within the 1e-12 allowance tie, and the fewer replicas are kept", () => {
    // 1 prefill (3 req/s) with 1 decode (2 × (1 − 1e-12) req/s): $2/h for just under 2 req/s, a
    // hair over $1 per req/s; with 2 decodes $3/h for 3 req/s, exactly $1. The gap is the allowance.
    const p = candidate({ poolId: "a", role: "prefill", rate: 3, pricePerHour: 1, maxCount: 1 });
    const d = candidate({ poolId: "c", role: "decode", rate: 2 * (1 - 1e-12), pricePerHour: 1 });
    expect(searchSplitPairs([p, d], pools, { kind: "batch", requiredRate: 1 })).toEqual([
      { candidate: p, count: 1 },
      { candidate: d, count: 1 },
    ]);
  });

  it("batch: pairs within the 1e-12 allowance of each other tie, and the tie keeps the pair that costs less per hour", () => {
    const d = candidate({ poolId: "c", role: "decode", rate: 4, pricePerHour: 1, maxCount: 1 });
    // $4/h for 4 req/s: exactly $1 per req/s.
    const even = candidate({ poolId: "b", role: "prefill", rate: 4, pricePerHour: 3, maxCount: 1 });
    // $2/h for just under 2 req/s: $1 × (1 + 1e-12) per req/s, so cheaper per request is `even`
    // only by the allowance: a tie, which the $2/h pair wins whichever comes first.
    const under = candidate({ poolId: "a", role: "prefill", rate: 2 * (1 - 1e-12), pricePerHour: 1, maxCount: 1 });
    const over = candidate({ poolId: "a", role: "prefill", rate: 2 / (1 + 1e-12), pricePerHour: 1, maxCount: 1 });
    expect(searchSplitPairs([under, even, d], pools, { kind: "batch", requiredRate: 1 })).toEqual([
      { candidate: under, count: 1 },
      { candidate: d, count: 1 },
    ]);
    expect(searchSplitPairs([even, over, d], pools, { kind: "batch", requiredRate: 1 })).toEqual([
      { candidate: over, count: 1 },
      { candidate: d, count: 1 },
    ]);
  });

  it("online: of pairs at the same dollars per hour, the first is kept", () => {
    const first = candidate({ poolId: "a", role: "prefill", rate: 5, pricePerHour: 1 });
    const second = candidate({ poolId: "b", role: "prefill", rate: 5, pricePerHour: 1 });
    const d = candidate({ poolId: "c", role: "decode", rate: 5, pricePerHour: 1 });
    expect(searchSplitPairs([first, second, d], pools, { kind: "online", requiredRate: 10 })).toEqual([
      { candidate: first, count: 2 },
      { candidate: d, count: 2 },
    ]);
  });
});

describe("maxSplitServed at the edges", () => {
  it("adds no prefill replica the decode side cannot use: the fewest that reach the most rate", () => {
    // One decode replica (2 req/s) is all there is: 1, 2 or 3 prefill replicas serve 2 req/s alike.
    const p = candidate({ poolId: "a", role: "prefill", rate: 3, pricePerHour: 1, maxCount: 3 });
    const d = candidate({ poolId: "c", role: "decode", rate: 2, pricePerHour: 1, maxCount: 1 });
    expect(maxSplitServed([p, d], pools)).toEqual([
      { candidate: p, count: 1 },
      { candidate: d, count: 1 },
    ]);
  });
});
