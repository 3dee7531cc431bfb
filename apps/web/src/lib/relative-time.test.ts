import { describe, expect, it } from "vitest";
import { formatRelative, formatRelativePrecise } from "./relative-time.ts";

const now = new Date("2026-05-01T12:00:00Z");
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe("formatRelative", () => {
  it.each([
    [7 * 86_400, "in 7 days"],
    [7 * 86_400 - 5, "in 7 days"],
    [36 * 3600, "in 2 days"],
    [-3 * 3600, "3 hours ago"],
    [60, "in 1 minute"],
    [0, "now"],
    [-86_400, "yesterday"],
  ])("%i s → %s", (seconds, expected) => {
    expect(formatRelative(at(seconds), now)).toBe(expected);
  });
});

describe("formatRelativePrecise", () => {
  // A forecast finish and its deadline that formatRelative both calls "in 2 hours".
  it.each([
    [97 * 60 + 20, "in 1 h 37 min"],
    [110 * 60, "in 1 h 50 min"],
    [2 * 3600, "in 2 h"],
    [37 * 60, "in 37 min"],
    [-(65 * 60), "1 h 5 min ago"],
    [26 * 3600 + 20 * 60, "in 1 day 2 h"],
    [-(3 * 86_400), "3 days ago"],
    [20, "in 20 seconds"],
    [0, "now"],
  ])("%i s → %s", (seconds, expected) => {
    expect(formatRelativePrecise(at(seconds), now)).toBe(expected);
  });
});
