import { describe, expect, it } from "vitest";
import { formatRelative } from "./relative-time.ts";

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
