import { describe, expect, it } from "vitest";
import { maxSplitServed, searchSplitPairs } from "./search-split-pairs.ts";
import { testCandidate as candidate } from "./test-inputs.ts";

describe("searchSplitPairs", () => {
  const prefillFast = candidate({ poolId: "a", role: "prefill", rate: 10, pricePerHour: 4 });
  const prefillCheap = candidate({ poolId: "b", role: "prefill", rate: 4, pricePerHour: 1 });
  const decode = candidate({ poolId: "c", role: "decode", rate: 3, pricePerHour: 2 });
  const pools = new Map([
    ["a", 8],
    ["b", 8],
    ["c", 8],
  ]);

  it("online: the cheapest pair, each side sized to carry the whole rate", () => {
    const plan = searchSplitPairs([prefillFast, prefillCheap, decode], pools, { kind: "online", requiredRate: 12 });
    // 3 × cheap prefill ($3) beats 2 × fast ($8); 4 decode replicas carry 12 req/s.
    expect(plan).toEqual([
      { candidate: prefillCheap, count: 3 },
      { candidate: decode, count: 4 },
    ]);
  });

  it("online: a pair whose decode side does not fit its pool is not a plan", () => {
    const small = new Map([...pools, ["c", 3]]);
    expect(searchSplitPairs([prefillCheap, decode], small, { kind: "online", requiredRate: 12 })).toBeUndefined();
  });

  it("shares one pool's GPUs between the two sides", () => {
    const sameP = candidate({ poolId: "s", role: "prefill", rate: 4, pricePerHour: 1 });
    const sameD = candidate({ poolId: "s", role: "decode", rate: 3, pricePerHour: 1 });
    expect(searchSplitPairs([sameP, sameD], new Map([["s", 6]]), { kind: "online", requiredRate: 12 })).toBeUndefined();
    expect(searchSplitPairs([sameP, sameD], new Map([["s", 7]]), { kind: "online", requiredRate: 12 })).toHaveLength(2);
  });

  it("batch: the lowest cost per served request, counts matched to each other", () => {
    const plan = searchSplitPairs([prefillCheap, decode], pools, { kind: "batch", requiredRate: 5 });
    const served = Math.min(4 * (plan?.[0]?.count ?? 0), 3 * (plan?.[1]?.count ?? 0));
    const cost = (plan?.[0]?.count ?? 0) * 1 + (plan?.[1]?.count ?? 0) * 2;
    expect(served).toBeGreaterThanOrEqual(5);
    // Brute force over every count pair in the pools.
    let best = Number.POSITIVE_INFINITY;
    for (let x = 1; x <= 8; x += 1)
      for (let y = 1; y <= 8; y += 1) {
        const s = Math.min(4 * x, 3 * y);
        if (s >= 5) best = Math.min(best, (x + 2 * y) / s);
      }
    expect(cost / served).toBeCloseTo(best, 12);
  });

  it("online: keeps to the hourly budget, the GPU cap, each side's pool and count, and the TTFT target", () => {
    // The cheapest plan for 12 req/s: 3 prefill ($3/h) and 4 decode ($8/h) replicas, 7 GPUs.
    const online = { kind: "online" as const, requiredRate: 12 };
    const both = [prefillCheap, decode];
    expect(searchSplitPairs(both, pools, { ...online, perHourBudget: 11 })).toHaveLength(2);
    expect(searchSplitPairs(both, pools, { ...online, perHourBudget: 10.99 })).toBeUndefined();
    expect(searchSplitPairs(both, pools, { ...online, maxGpus: 7 })).toHaveLength(2);
    expect(searchSplitPairs(both, pools, { ...online, maxGpus: 6 })).toBeUndefined();
    expect(searchSplitPairs(both, new Map([...pools, ["b", 2]]), online)).toBeUndefined();
    expect(searchSplitPairs([{ ...prefillCheap, maxCount: 2 }, decode], pools, online)).toBeUndefined();
    // 1 MB of KV over 100 Gbit/s takes 0.08 ms after the prefill's 100 ms.
    expect(searchSplitPairs(both, pools, { ...online, ttftP95Ms: 100.1 })).toHaveLength(2);
    expect(searchSplitPairs(both, pools, { ...online, ttftP95Ms: 100.05 })).toBeUndefined();
  });

  it("prices each side at what its network can ship", () => {
    // 1 GB of KV a prompt over 100 Gbit/s: 12.5 prompts a second whatever the prefill could do.
    const shipping = { ...prefillFast, rate: 40, kvBytesPerRequest: 1e9 };
    expect(searchSplitPairs([shipping, decode], pools, { kind: "online", requiredRate: 24 })).toEqual([
      { candidate: shipping, count: 2 },
      { candidate: decode, count: 8 },
    ]);
  });

  it("batch: on equal cost per request, the fewest replicas, then the pair that costs less per hour", () => {
    const even = candidate({ poolId: "c", role: "decode", rate: 4, pricePerHour: 1 });
    // 1 + 1 replicas serve 4 req/s for $2/h, as 8 + 8 serve 32 for $16/h.
    expect(searchSplitPairs([prefillCheap, even], pools, { kind: "batch", requiredRate: 3 })).toEqual([
      { candidate: prefillCheap, count: 1 },
      { candidate: even, count: 1 },
    ]);
    // A prefill twice as fast at twice the price ties on $ per request ($4/h for 8 req/s), found first.
    const double = candidate({ poolId: "a", role: "prefill", rate: 8, pricePerHour: 2 });
    expect(searchSplitPairs([double, prefillCheap, even], pools, { kind: "batch", requiredRate: 3 })).toEqual([
      { candidate: prefillCheap, count: 1 },
      { candidate: even, count: 1 },
    ]);
  });

  it("maxSplitServed: the most one pair can serve within the pools and the GPU cap", () => {
    const served = (a: ReturnType<typeof maxSplitServed>) => Math.min(...a.map((x) => x.candidate.rate * x.count));
    expect(served(maxSplitServed([prefillFast, decode], pools))).toBe(24);
    // 6 GPUs: 2 prefill (20 req/s) with 4 decode (12 req/s) beats 1 with 5 (10 req/s).
    expect(served(maxSplitServed([prefillFast, decode], pools, 6))).toBe(12);
  });
});
