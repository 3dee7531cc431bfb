import { describe, expect, it } from "vitest";
import { splitSpend } from "./spend-split.ts";

const none = { spot: 0, serverless: 0, "on-demand": 0, reserved: 0, "on-prem": 0, router: 0 };

describe("splitSpend", () => {
  it("includes on-demand, so the parts add up to the spend", () => {
    const parts = splitSpend({ ...none, spot: 103.2, "on-demand": 7.35 });
    expect(parts.map((p) => [p.component, p.usd])).toEqual([
      ["spot", 103.2],
      ["serverless", 0],
      ["on-demand", 7.35],
    ]);
    expect(parts.reduce((sum, p) => sum + p.usd, 0)).toBeCloseTo(110.55);
    expect(parts.find((p) => p.component === "spot")!.share).toBeCloseTo(103.2 / 110.55);
    expect(parts.reduce((sum, p) => sum + p.share, 0)).toBeCloseTo(1);
  });

  it("lists reserved, on-prem and the router only when they cost something", () => {
    const parts = splitSpend({ ...none, spot: 1, reserved: 2, router: 1 });
    expect(parts.map((p) => p.component)).toEqual(["spot", "serverless", "on-demand", "reserved", "router"]);
    expect(parts.find((p) => p.component === "reserved")!.share).toBe(0.5);
  });

  it("gives every share as 0 when nothing was spent", () => {
    expect(splitSpend(none).map((p) => p.share)).toEqual([0, 0, 0]);
  });
});
