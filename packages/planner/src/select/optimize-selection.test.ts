import { describe, expect, it } from "vitest";
import { optimizeSelection, optimizeWithAlternatives, primaryFamily } from "./optimize-selection.ts";
import { TEN_PER_SECOND_ONLINE, testCandidate, TWO_PER_SECOND_BATCH } from "./test-inputs.ts";

const pools = new Map([
  ["a", 8],
  ["b", 8],
  ["c", 8],
  ["p", 8],
  ["d", 8],
  ["d2", 8],
]);
const limits = (requiredRate: number) => ({ requiredRate, poolGpus: pools });

// One colocated replica serves 1 req/s for $1/h; a prefill and a decode replica 3 req/s together for $2/h.
const colocated = testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 1, family: "a" });
const prefill = testCandidate({ poolId: "p", role: "prefill", rate: 3, pricePerHour: 1, kvBytesPerRequest: 0 });
const decode = testCandidate({ poolId: "d", role: "decode", rate: 3, pricePerHour: 1, kvBytesPerRequest: 0 });

describe("optimizeSelection", () => {
  it("batch: the split wins on cost per request (2 ÷ 3 against 1 ÷ 1)", () => {
    const plan = optimizeSelection(TWO_PER_SECOND_BATCH, [colocated, prefill, decode], [true, true, true], limits(2));
    expect(plan).toEqual([
      { candidate: prefill, count: 1 },
      { candidate: decode, count: 1 },
    ]);
  });

  it("online: a tie on dollars per hour keeps the colocated plan ($2/h each), which needs no KV hand-off", () => {
    const plan = optimizeSelection(TEN_PER_SECOND_ONLINE, [colocated, prefill, decode], [true, true, true], limits(2));
    expect(plan).toEqual([{ candidate: colocated, count: 2 }]);
    // Cheaper only by the float allowance (2 × (1 − 1e-9) $/h) is still a tie.
    const allowance = 1 - 1e-9;
    expect(
      optimizeSelection(
        TEN_PER_SECOND_ONLINE,
        [colocated, { ...prefill, pricePerHour: allowance }, { ...decode, pricePerHour: allowance }],
        [true, true, true],
        limits(2),
      ),
    ).toEqual([{ candidate: colocated, count: 2 }]);
    const cheaperDecode = { ...decode, pricePerHour: 0.99 };
    expect(
      optimizeSelection(TEN_PER_SECOND_ONLINE, [colocated, prefill, cheaperDecode], [true, true, true], limits(2)),
    ).toEqual([
      { candidate: prefill, count: 1 },
      { candidate: cheaperDecode, count: 1 },
    ]);
  });

  it("online: no split whose prefill and hand-off miss the TTFT target", () => {
    const slowPrefill = { ...prefill, ttftP95Ms: 501 };
    const cheapDecode = { ...decode, pricePerHour: 0.1 };
    expect(
      optimizeSelection(TEN_PER_SECOND_ONLINE, [colocated, slowPrefill, cheapDecode], [true, true, true], limits(2)),
    ).toEqual([{ candidate: colocated, count: 2 }]);
  });

  it("takes whichever kind exists when only one does, and only the allowed candidates", () => {
    expect(optimizeSelection(TWO_PER_SECOND_BATCH, [prefill, decode], [true, true], limits(2))).toHaveLength(2);
    expect(
      optimizeSelection(TWO_PER_SECOND_BATCH, [colocated, prefill, decode], [true, false, true], limits(2)),
    ).toEqual([{ candidate: colocated, count: 2 }]);
    // 8 split pairs serve 24 req/s at most; the colocated pool is not allowed.
    expect(optimizeSelection(TWO_PER_SECOND_BATCH, [colocated, prefill, decode], [false, true, true], limits(25))).toBe(
      undefined,
    );
  });
});

describe("primaryFamily", () => {
  it("is the family with the most spend, the first by name on a tie", () => {
    const x = testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 2, family: "x" });
    const y = testCandidate({ poolId: "b", role: "both", rate: 1, pricePerHour: 5, family: "y" });
    expect(
      primaryFamily([
        { candidate: x, count: 3 },
        { candidate: y, count: 1 },
      ]),
    ).toBe("x");
    expect(
      primaryFamily([
        { candidate: y, count: 1 },
        { candidate: x, count: 2 },
        { candidate: { ...x, family: "w" }, count: 1 },
      ]),
    ).toBe("y");
    expect(
      primaryFamily([
        { candidate: { ...x, family: "b" }, count: 2 },
        { candidate: { ...x, family: "a" }, count: 2 },
      ]),
    ).toBe("a");
    expect(primaryFamily([])).toBeUndefined();
  });
});

describe("optimizeWithAlternatives", () => {
  const b = testCandidate({ poolId: "b", role: "both", rate: 1, pricePerHour: 2, family: "b" });
  const c = testCandidate({ poolId: "c", role: "both", rate: 1, pricePerHour: 3, family: "c" });

  it("returns the best plan, then runners-up that each avoid the families before them", () => {
    const plans = optimizeWithAlternatives(TEN_PER_SECOND_ONLINE, [colocated, b, c], 2, limits(2));
    expect(plans).toEqual([
      [{ candidate: colocated, count: 2 }],
      [{ candidate: b, count: 2 }],
      [{ candidate: c, count: 2 }],
    ]);
    expect(optimizeWithAlternatives(TEN_PER_SECOND_ONLINE, [colocated, b, c], 1, limits(2))).toHaveLength(2);
    expect(optimizeWithAlternatives(TEN_PER_SECOND_ONLINE, [colocated, b, c], 0, limits(2))).toHaveLength(1);
    expect(optimizeWithAlternatives(TEN_PER_SECOND_ONLINE, [colocated, b], 5, limits(2))).toHaveLength(2);
  });

  it("a service that needs no rate gets the empty plan once, with no runners-up repeating it", () => {
    // An empty plan has no family to avoid, so the search would only find it again.
    expect(optimizeWithAlternatives(TEN_PER_SECOND_ONLINE, [colocated, b, c], 2, limits(0))).toEqual([[]]);
  });

  it("offers split plans for the plan itself only: runners-up are colocated", () => {
    // The first plan bans the decode family (its larger spend); a second decode kind would still
    // make a split cheaper than any colocated runner-up.
    const cheapPrefill = { ...prefill, pricePerHour: 0.1, family: "p" };
    const cheapDecode = { ...decode, pricePerHour: 0.3, family: "d" };
    const otherDecode = { ...decode, poolId: "d2", pricePerHour: 0.4, family: "d2" };
    const candidates = [colocated, b, cheapPrefill, cheapDecode, otherDecode];
    const plans = optimizeWithAlternatives(TEN_PER_SECOND_ONLINE, candidates, 2, limits(2));
    expect(plans).toEqual([
      [
        { candidate: cheapPrefill, count: 1 },
        { candidate: cheapDecode, count: 1 },
      ],
      [{ candidate: colocated, count: 2 }],
      [{ candidate: b, count: 2 }],
    ]);
  });
});
