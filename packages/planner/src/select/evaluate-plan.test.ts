import { describe, expect, it } from "vitest";
import {
  isFeasible,
  kvTransferMs,
  planCostPerHour,
  planGpus,
  planObjective,
  predictedHours,
  requiredRate,
  servedRate,
  unitServedRate,
} from "./evaluate-plan.ts";
import { TEN_PER_SECOND_ONLINE, testCandidate, TWO_PER_SECOND_BATCH } from "./test-inputs.ts";

// Exact values worked out by hand: the optimisers and the brute-force oracle all score plans here.

describe("unitServedRate", () => {
  // 100 Gbit/s carries 12.5 GB/s: 12.5 prompts a second of 1 GB of KV cache each.
  const heavyKv = { networkGbps: 100, kvBytesPerRequest: 1e9 };

  it("caps a prefill or decode unit at the prompts its network can ship", () => {
    expect(unitServedRate(testCandidate({ poolId: "a", role: "prefill", rate: 20, pricePerHour: 1, ...heavyKv }))).toBe(
      12.5,
    );
    expect(unitServedRate(testCandidate({ poolId: "a", role: "decode", rate: 20, pricePerHour: 1, ...heavyKv }))).toBe(
      12.5,
    );
    expect(unitServedRate(testCandidate({ poolId: "a", role: "decode", rate: 10, pricePerHour: 1, ...heavyKv }))).toBe(
      10,
    );
  });

  it("leaves colocated units at their own rate: their KV cache never leaves the machine", () => {
    expect(unitServedRate(testCandidate({ poolId: "a", role: "both", rate: 20, pricePerHour: 1, ...heavyKv }))).toBe(
      20,
    );
  });
});

describe("kvTransferMs", () => {
  it("ships one prompt's KV cache at the slower side's network per machine", () => {
    // 1 MB = 8 Mbit; 200 Gbit/s over 2 machines is 100 Gbit/s each, slower than 300 over 2.
    const p = testCandidate({ poolId: "a", role: "prefill", rate: 1, pricePerHour: 1, networkGbps: 200, machines: 2 });
    const d = testCandidate({ poolId: "b", role: "decode", rate: 1, pricePerHour: 1, networkGbps: 300, machines: 2 });
    expect(kvTransferMs(p, d)).toBeCloseTo(0.08, 12);
    // A decode side of 8 machines sharing 400 Gbit/s (50 each) is now the slower one.
    const wide = { ...d, networkGbps: 400, machines: 8 };
    expect(kvTransferMs({ ...p, networkGbps: 100, machines: undefined }, wide)).toBeCloseTo(0.16, 12);
  });
});

describe("servedRate, planCostPerHour, planGpus", () => {
  const both = testCandidate({ poolId: "a", role: "both", rate: 3, pricePerHour: 2, gpus: 4 });
  const prefill = testCandidate({ poolId: "b", role: "prefill", rate: 5, pricePerHour: 1.5, kvBytesPerRequest: 0 });
  const decode = testCandidate({ poolId: "c", role: "decode", rate: 2, pricePerHour: 1, kvBytesPerRequest: 0 });

  it("adds colocated replicas to the prefill/decode pairs, which serve what their smaller side serves", () => {
    // 2 × 3 colocated + min(2 × 5 prefill, 3 × 2 decode).
    const plan = [
      { candidate: both, count: 2 },
      { candidate: prefill, count: 2 },
      { candidate: decode, count: 3 },
    ];
    expect(servedRate(plan)).toBe(12);
    expect(servedRate([plan[0]!, { candidate: prefill, count: 1 }, plan[2]!])).toBe(11);
    expect(servedRate([{ candidate: prefill, count: 2 }])).toBe(0);
    expect(planCostPerHour(plan)).toBe(2 * 2 + 2 * 1.5 + 3 * 1);
    expect(planGpus(plan)).toBe(2 * 4 + 2 + 3);
  });

  it("counts a split unit at its network cap", () => {
    const capped = { ...decode, rate: 20, networkGbps: 100, kvBytesPerRequest: 1e9 };
    expect(
      servedRate([
        { candidate: { ...prefill, rate: 40 }, count: 1 },
        { candidate: capped, count: 1 },
      ]),
    ).toBe(12.5);
  });
});

describe("requiredRate and predictedHours", () => {
  it("online: the peak rate plus the margin", () => {
    expect(requiredRate(TEN_PER_SECOND_ONLINE, 0.2)).toBeCloseTo(12, 12);
    expect(predictedHours(TEN_PER_SECOND_ONLINE, 3)).toBe(1);
  });

  it("batch: the requests plus the margin spread over the deadline; hours at a given rate", () => {
    expect(requiredRate(TWO_PER_SECOND_BATCH, 0.25)).toBeCloseTo(2.5, 12);
    expect(requiredRate({ ...TWO_PER_SECOND_BATCH, deadlineHours: 4 }, 0)).toBe(0.5);
    expect(predictedHours(TWO_PER_SECOND_BATCH, 0.5)).toBe(4);
  });
});

describe("planObjective", () => {
  const unit = testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 3 });

  it("online: dollars per hour", () => {
    expect(planObjective(TEN_PER_SECOND_ONLINE, [{ candidate: unit, count: 4 }])).toBe(12);
    expect(planObjective(TEN_PER_SECOND_ONLINE, [])).toBe(0);
  });

  it("batch: dollars per hour × hours to finish, the same for any count of one kind", () => {
    // 7,200 requests at 2 req/s take 1 h at $6/h; at 4 req/s, 0.5 h at $12/h.
    expect(planObjective(TWO_PER_SECOND_BATCH, [{ candidate: unit, count: 2 }])).toBe(6);
    expect(planObjective(TWO_PER_SECOND_BATCH, [{ candidate: unit, count: 4 }])).toBe(6);
    expect(planObjective(TWO_PER_SECOND_BATCH, [])).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("isFeasible", () => {
  const unit = testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 3, gpus: 2 });
  const two = [{ candidate: unit, count: 2 }];

  it("needs the required rate, within float noise", () => {
    expect(isFeasible(TWO_PER_SECOND_BATCH, two, 0, {})).toBe(true);
    // Exactly on the tolerance: 2 × (1 − 1e-9) is the required 2 req/s less its float allowance.
    expect(isFeasible(TWO_PER_SECOND_BATCH, [{ candidate: { ...unit, rate: 1 - 1e-9 }, count: 2 }], 0, {})).toBe(true);
    expect(isFeasible(TWO_PER_SECOND_BATCH, [{ candidate: { ...unit, rate: 0.999 }, count: 2 }], 0, {})).toBe(false);
    expect(isFeasible(TWO_PER_SECOND_BATCH, two, 0.01, {})).toBe(false);
  });

  it("keeps to the GPU cap and the budget, each inclusive", () => {
    expect(isFeasible(TWO_PER_SECOND_BATCH, two, 0, { maxGpus: 4 })).toBe(true);
    expect(isFeasible(TWO_PER_SECOND_BATCH, two, 0, { maxGpus: 3 })).toBe(false);
    expect(isFeasible(TWO_PER_SECOND_BATCH, two, 0, { budget: 6 })).toBe(true);
    expect(isFeasible(TWO_PER_SECOND_BATCH, two, 0, { budget: 5.99 })).toBe(false);
    // The budget's float allowance is inclusive too: $6 × (1 + 1e-9) an hour against a $6 budget.
    const atAllowance = [{ candidate: { ...unit, rate: 10, pricePerHour: 6 * (1 + 1e-9) }, count: 1 }];
    expect(isFeasible(TEN_PER_SECOND_ONLINE, atAllowance, 0, { budget: 6 })).toBe(true);
  });

  it("online: a split plan's prefill TTFT plus the KV hand-off must fit the target", () => {
    // 1 MB over 100 Gbit/s: 0.08 ms after a 499.9 ms prefill.
    const p = testCandidate({ poolId: "a", role: "prefill", rate: 10, pricePerHour: 1, ttftP95Ms: 499.9 });
    const d = testCandidate({ poolId: "b", role: "decode", rate: 10, pricePerHour: 1, ttftP95Ms: 900 });
    const plan = [
      { candidate: p, count: 1 },
      { candidate: d, count: 1 },
    ];
    expect(isFeasible(TEN_PER_SECOND_ONLINE, plan, 0, {})).toBe(true);
    expect(isFeasible({ ...TEN_PER_SECOND_ONLINE, ttftP95Ms: 499.97 }, plan, 0, {})).toBe(false);
    // The hand-off runs at the slower side: a decode side at 50 Gbit/s takes 0.16 ms, over 500 ms.
    const slowDecode = [plan[0]!, { candidate: { ...d, networkGbps: 50 }, count: 1 }];
    expect(isFeasible(TEN_PER_SECOND_ONLINE, slowDecode, 0, {})).toBe(false);
    // A first token exactly on the target meets it.
    const noKv = [{ candidate: { ...p, ttftP95Ms: 500, kvBytesPerRequest: 0 }, count: 1 }, plan[1]!];
    expect(isFeasible(TEN_PER_SECOND_ONLINE, noKv, 0, {})).toBe(true);
    // Colocated replicas hand nothing off: only the split pair is checked.
    const both = testCandidate({ poolId: "c", role: "both", rate: 10, pricePerHour: 1, ttftP95Ms: 900 });
    expect(isFeasible(TEN_PER_SECOND_ONLINE, [{ candidate: both, count: 1 }], 0, {})).toBe(true);
  });

  it("online: only a prefill replica's hand-off to a decode replica counts, not to a colocated one beside them", () => {
    // The pair hands 1 MB over 100 Gbit/s (0.08 ms) after a 499.9 ms prefill: inside 500 ms. A
    // colocated replica on a 10 Gbit/s machine would take 0.8 ms, but no KV cache goes to it.
    const p = testCandidate({ poolId: "a", role: "prefill", rate: 10, pricePerHour: 1, ttftP95Ms: 499.9 });
    const d = testCandidate({ poolId: "b", role: "decode", rate: 10, pricePerHour: 1 });
    const slowColocated = testCandidate({ poolId: "c", role: "both", rate: 1, pricePerHour: 1, networkGbps: 10 });
    const plan = [
      { candidate: slowColocated, count: 1 },
      { candidate: p, count: 1 },
      { candidate: d, count: 1 },
    ];
    expect(servedRate(plan)).toBe(11);
    expect(isFeasible(TEN_PER_SECOND_ONLINE, plan, 0, {})).toBe(true);
  });
});
