import { describe, expect, it } from "vitest";
import { timeTicks } from "./time-ticks";

const at = (hhmm: string) => Date.parse(`2026-05-01T${hhmm}:00Z`);
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe("timeTicks", () => {
  it("labels a 3-hour forecast every 30 minutes up to and past its deadline", () => {
    const { domain, ticks } = timeTicks(at("10:07"), at("13:07"));
    expect(ticks.map(hhmm)).toEqual(["10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30"]);
    expect(domain).toEqual([at("10:00"), at("13:30")]);
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(at("13:07"));
  });

  it("keeps to at most maxTicks labels, whatever the span", () => {
    for (const hours of [0.05, 0.5, 2, 7, 26, 24 * 6, 24 * 40]) {
      const { ticks, domain } = timeTicks(at("10:00"), at("10:00") + hours * 3_600_000);
      expect(ticks.length).toBeLessThanOrEqual(8);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks[0]).toBe(domain[0]);
      expect(ticks.at(-1)).toBe(domain[1]);
      expect(domain[1]).toBeGreaterThanOrEqual(at("10:00") + hours * 3_600_000);
    }
  });

  it("gives an axis even for a single moment", () => {
    expect(timeTicks(at("10:00"), at("10:00")).ticks.length).toBeGreaterThanOrEqual(2);
  });
});
