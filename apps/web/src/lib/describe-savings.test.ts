import { describe, expect, it } from "vitest";
import { describeSavings } from "./describe-savings";

describe("describeSavings", () => {
  it("says what was spent and what each baseline would have cost", () => {
    expect(describeSavings({ actualUsd: 12.4, onDemandBaselineUsd: 40, serverlessBaselineUsd: 55 }, "this month")).toBe(
      "You spent $12.40 this month. The same GPU time would have cost $40.00 on on-demand GPUs left running, or $55.00 on always-on serverless.",
    );
  });

  it("writes small amounts with the money rule", () => {
    expect(
      describeSavings({ actualUsd: 0.042, onDemandBaselineUsd: 0.5, serverlessBaselineUsd: 1.2 }, "in this period"),
    ).toContain("You spent $0.042 in this period.");
  });
});
