import { describe, expect, it } from "vitest";
import { describeRetry } from "./describe-retry";

const now = new Date("2026-03-01T12:00:00Z");
const after = (s: number) => new Date(now.getTime() + s * 1000);

describe("describeRetry", () => {
  it.each([
    [0, /in 1 second /],
    [45, /in 45 seconds/],
    [91, /in 2 minutes/],
    [3599, /in 60 minutes/],
    [3 * 3600, /in 3 hours/],
  ])("%i s → %s", (seconds, expected) => {
    expect(describeRetry(after(seconds), now)).toMatch(expected);
  });

  it("also gives the clock time", () => {
    expect(describeRetry(after(600), now)).toMatch(/\(at \d{1,2}:\d{2}/);
  });
});
