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

/** Pool id → GPUs it has. */
const poolSizes = (sizes: Record<string, number>) => new Map(Object.entries(sizes));

describe("paretoSearch: float allowances", () => {
  it("batch: a plan short of the rate by no more than the 1e-9 allowance carries it", () => {
    // Each GPU serves 1 - 1e-9 req/s: one of them carries 1 req/s, a second is not bought.
    const short = testCandidate({ poolId: "s", role: "both", rate: 1 - 1e-9, pricePerHour: 2 });
    expect(paretoSearch([short], poolSizes({ s: 2 }), { kind: "batch", requiredRate: 1 })).toEqual([
      { candidate: short, count: 1 },
    ]);
  });

  it("online: a plan short of the rate by no more than the 1e-9 allowance carries it too", () => {
    // 3 GPUs serve 9.9999999999 req/s of 10; the bound once cut that very plan as unable to reach it,
    // then every dearer one as worse than it, and the search found nothing.
    const third = testCandidate({ poolId: "s", role: "both", rate: 3.3333333333, pricePerHour: 2 });
    expect(paretoSearch([third], poolSizes({ s: 8 }), { kind: "online", requiredRate: 10 })).toEqual([
      { candidate: third, count: 3 },
    ]);
  });

  it("a plan over the hourly budget by no more than the 1e-9 allowance keeps to it", () => {
    const dear = testCandidate({ poolId: "d", role: "both", rate: 1, pricePerHour: 1 + 1e-9 });
    expect(paretoSearch([dear], poolSizes({ d: 1 }), { kind: "online", requiredRate: 1, perHourBudget: 1 })).toEqual([
      { candidate: dear, count: 1 },
    ]);
  });
});

describe("paretoSearch: ties", () => {
  it("batch: of plans with the same cost per request, the cheaper per hour, even when found later", () => {
    // Pool b ($1.60 a GPU, 1 req/s) is as good value as pool a's TP2 pair ($1.60 per req/s·h) and is
    // searched after it; one of b carries 1 req/s for $1.60/h, the pair for $4/h.
    const b = testCandidate({ poolId: "b", role: "both", rate: 1, pricePerHour: 1.6 });
    expect(paretoSearch([a2, a1, b], poolSizes({ a: 3, b: 4 }), { kind: "batch", requiredRate: 1 })).toEqual([
      { candidate: b, count: 1 },
    ]);
  });

  it("batch: costs per request within 1e-12 of each other tie, and the cheaper plan per hour wins", () => {
    // A three-GPU replica ($3/h) is better per request than one GPU ($1/h for 1 req/s) by 1e-12 only.
    const three = (poolId: string) =>
      testCandidate({ poolId, role: "both", rate: 3.000000000003, pricePerHour: 3, gpus: 3, tp: 3, maxCount: 1 });
    const one = (poolId: string) => testCandidate({ poolId, role: "both", rate: 1, pricePerHour: 1, maxCount: 1 });
    // In two pools, the three-GPU pool is searched first; the single GPU found later costs less.
    const [p, q] = [three("p"), one("q")];
    expect(paretoSearch([p, q], poolSizes({ p: 3, q: 1 }), { kind: "batch", requiredRate: 1 })).toEqual([
      { candidate: q, count: 1 },
    ]);
    // In one pool the single GPU is found first, and the dearer replica does not displace it.
    const [t1, t3] = [one("t"), three("t")];
    expect(paretoSearch([t1, t3], poolSizes({ t: 3 }), { kind: "batch", requiredRate: 1 })).toEqual([
      { candidate: t1, count: 1 },
    ]);
  });

  it("batch: a cheaper plan that costs more per request does not displace the first of two equal best plans", () => {
    // 2.2 req/s: three GPUs of pool a ($3 for 3 req/s) and pool b's pair ($3 for 3 on 2 GPUs) tie at
    // $1 per req/s·h; one GPU of each ($2.50 for just under 2.5) costs 1e-10 more per request.
    const a = testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 1 });
    const bOne = testCandidate({ poolId: "b", role: "both", rate: 1.49999999975, pricePerHour: 1.5 });
    const bPair = testCandidate({ poolId: "b", role: "both", rate: 3, pricePerHour: 3, gpus: 2, tp: 2 });
    const plan = paretoSearch([a, bOne, bPair], poolSizes({ a: 4, b: 3 }), { kind: "batch", requiredRate: 2.2 });
    expect(plan).toEqual([{ candidate: a, count: 3 }]);
  });

  it("online: of equally cheap plans, the first found, from the better-value pool", () => {
    // 1 req/s for $2/h: one GPU of pool a ($2, 1 req/s) or two of pool b ($1, 0.6 req/s each);
    // b is the better value ($1.67 per req/s·h against $2) and is searched first.
    const a = testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 2 });
    const b = testCandidate({ poolId: "b", role: "both", rate: 0.6, pricePerHour: 1 });
    const both = poolSizes({ a: 4, b: 4 });
    expect(paretoSearch([a, b], both, { kind: "online", requiredRate: 1 })).toEqual([{ candidate: b, count: 2 }]);
    // A kind with no room in pool a does not make a the better value.
    const roomless = testCandidate({ poolId: "a", role: "both", rate: 3, pricePerHour: 2, maxCount: 0 });
    expect(paretoSearch([a, roomless, b], both, { kind: "online", requiredRate: 1 })).toEqual([
      { candidate: b, count: 2 },
    ]);
    // Value is price over rate: $3 a GPU at 1.5 req/s each ($2 per req/s·h) beats $2 at 0.5 ($4). For
    // 1.5 req/s three GPUs of the cheap pool and the other pool's TP2 pair both cost $6/h.
    const slow = testCandidate({ poolId: "a", role: "both", rate: 0.5, pricePerHour: 2 });
    const fast = testCandidate({ poolId: "b", role: "both", rate: 3, pricePerHour: 6, gpus: 2, tp: 2 });
    expect(paretoSearch([slow, fast], both, { kind: "online", requiredRate: 1.5 })).toEqual([
      { candidate: fast, count: 1 },
    ]);
  });
});

describe("maxColocatedServed: ties", () => {
  it("under a GPU cap, on equal rate keeps the earlier pool's replicas", () => {
    // Price plays no part here: only the rate served counts, and both pools give 1 req/s.
    const a = testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 2 });
    const b = testCandidate({ poolId: "b", role: "both", rate: 1, pricePerHour: 1 });
    expect(maxColocatedServed([a, b], poolSizes({ a: 1, b: 1 }), 1)).toEqual([{ candidate: a, count: 1 }]);
  });
});
