import { describe, expect, it } from "vitest";
import { formatUsd, formatUsdPerHour } from "./format-usd.ts";

describe("formatUsd", () => {
  it.each([
    [0, "$0.00"],
    [1, "$1.00"],
    [16.35, "$16.35"],
    [12.6049, "$12.60"],
    [1234.567, "$1,234.57"],
    [1_000_000, "$1,000,000.00"],
    [0.5, "$0.50"],
    [0.42, "$0.42"],
    [0.123, "$0.12"],
    [0.0456, "$0.046"],
    [0.042, "$0.042"],
    [0.0042, "$0.0042"],
    [0.994, "$0.99"],
    [0.996, "$1.00"],
    [0.999, "$1.00"],
    [-3.2, "-$3.20"],
    [-0.042, "-$0.042"],
  ])("%s → %s", (value, text) => {
    expect(formatUsd(value)).toBe(text);
  });

  it("writes what is not a number as a dash, never $NaN", () => {
    expect(formatUsd(Number.NaN)).toBe("—");
    expect(formatUsd(Number.POSITIVE_INFINITY)).toBe("—");
  });

  it("writes rates with the same rule", () => {
    expect(formatUsdPerHour(16.35)).toBe("$16.35/h");
    expect(formatUsdPerHour(0.0421)).toBe("$0.042/h");
  });
});
