import { describe, expect, it } from "vitest";
import { formatGpuHours, formatHours, formatPct } from "./format";

describe("format", () => {
  it("formats durations", () => {
    expect(formatHours(0.5)).toBe("30 min");
    expect(formatHours(2.0833)).toBe("2 h 05 min");
    expect(formatHours(3)).toBe("3 h");
    expect(formatHours(72)).toBe("3.0 days");
  });
  it("formats percentages and GPU-hours", () => {
    expect(formatPct(0.256)).toBe("26%");
    expect(formatGpuHours(7200)).toBe("2 GPU-h");
  });
});
