import { describe, expect, it } from "vitest";
import { maxLendableRate, predictFinishWithLoan } from "./predict-finish-with-loan.ts";

describe("predictFinishWithLoan", () => {
  // 10 units/s in full; 4 lent for 100 s, then 20 s to bring the replicas back: 6 units/s kept for 120 s.
  const loan = { now: 1000, fullRate: 10, lentRate: 4, loanSeconds: 100, restartSeconds: 20 };

  it("is now when no work is left", () => {
    expect(predictFinishWithLoan({ ...loan, work: 0 })).toBe(1000);
    expect(predictFinishWithLoan({ ...loan, work: -5 })).toBe(1000);
    // Even with the whole rate lent: no work ÷ no kept rate is no time, not NaN.
    expect(predictFinishWithLoan({ ...loan, lentRate: 10, work: 0 })).toBe(1000);
  });

  it("finishes during the loan on the kept rate when that is enough", () => {
    expect(predictFinishWithLoan({ ...loan, work: 600 })).toBe(1100);
  });

  it("finishes on the full rate after the loan and restart otherwise", () => {
    // 720 done in the 120 s gap, then 480 at 10/s.
    expect(predictFinishWithLoan({ ...loan, work: 1200 })).toBe(1000 + 120 + 48);
  });

  it("keeps nothing when more than the whole rate is lent", () => {
    // Kept rate 0 (not −5): nothing in the 100 s gap, then 500 at 10/s.
    expect(predictFinishWithLoan({ ...loan, lentRate: 15, restartSeconds: 0, work: 500 })).toBe(1150);
  });

  it("never finishes without a rate", () => {
    expect(predictFinishWithLoan({ ...loan, fullRate: 0, lentRate: 0, work: 1 })).toBe(Infinity);
    // Nor with a negative one (the full-rate formula would give a time before the loan ends).
    expect(predictFinishWithLoan({ ...loan, fullRate: -1, lentRate: 0, work: 1 })).toBe(Infinity);
  });
});

describe("maxLendableRate", () => {
  const base = { now: 0, fullRate: 10, loanSeconds: 200, restartSeconds: 100, margin: 0.1 };

  it("lends nothing past the deadline or without a surplus", () => {
    expect(maxLendableRate({ ...base, deadline: 0, work: 0 })).toBe(0);
    expect(maxLendableRate({ ...base, deadline: -10, work: -1000 })).toBe(0);
    // At the deadline itself, even a job with nothing left to do (no time to spread a surplus over).
    expect(maxLendableRate({ ...base, deadline: 0, work: -1000 })).toBe(0);
    // 10 000 units possible, 10 000 × 1.1 needed.
    expect(maxLendableRate({ ...base, deadline: 1000, work: 10_000 })).toBe(0);
    // Exactly no surplus: 10 000 possible, 9 090.9… × 1.1 = 10 000 needed.
    expect(maxLendableRate({ ...base, margin: 0, deadline: 1000, work: 10_000 })).toBe(0);
    // The same over a loan that takes no time at all: 0, not 0 ÷ 0.
    expect(
      maxLendableRate({ ...base, margin: 0, deadline: 1000, work: 10_000, loanSeconds: 0, restartSeconds: 0 }),
    ).toBe(0);
  });

  it("spreads the surplus over the loan and restart time", () => {
    // Surplus 10 000 − 8 800 = 1 200 units over 300 s.
    expect(maxLendableRate({ ...base, deadline: 1000, work: 8000 })).toBeCloseTo(4, 12);
  });

  it("measures the time left from now, not from the epoch", () => {
    // The case above an hour later: 1 000 s left, surplus 1 200 units over 300 s.
    expect(maxLendableRate({ ...base, now: 3600, deadline: 4600, work: 8000 })).toBeCloseTo(4, 12);
  });

  it("over the time left when the deadline comes first", () => {
    // Surplus 2 000 − 1 000 = 1 000 units; only 200 s are left of the 300 s loan.
    expect(maxLendableRate({ ...base, margin: 0, deadline: 200, work: 1000 })).toBe(5);
  });

  it("never lends more than the whole rate", () => {
    // Surplus 4 500 over 300 s would be 15/s.
    expect(maxLendableRate({ ...base, deadline: 1000, work: 5000 })).toBe(10);
  });
});
