import { describe, expect, it } from "vitest";
import { nextWaitingSince, stuckReason, type TWatchdogSample } from "./worker-watchdog.ts";

const base: TWatchdogSample = {
  now: 100_000,
  waiting: 3,
  waitingSince: 0,
  lastPickupAt: 0,
  inFlight: 0,
  concurrency: 4,
};

describe("stuckReason", () => {
  it.each<[string, Partial<TWatchdogSample>, boolean]>([
    ["jobs waited long, free slots, nothing started", {}, true],
    ["wait list empty", { waiting: 0, waitingSince: null }, false],
    ["jobs only just started waiting", { waitingSince: 90_000 }, false],
    ["a job started recently", { lastPickupAt: 95_000 }, false],
    ["all slots busy (long jobs, not stuck)", { inFlight: 4 }, false],
    ["some slots busy, others idle for long", { inFlight: 2 }, true],
    ["exactly at the threshold", { waitingSince: 70_000, lastPickupAt: 70_000 }, true],
  ])("%s", (_label, patch, stuck) => {
    expect(stuckReason({ ...base, ...patch }, 30_000) !== null).toBe(stuck);
  });
});

describe("nextWaitingSince", () => {
  it("starts the clock when jobs appear, keeps it while they wait, clears it when the list empties", () => {
    expect(nextWaitingSince(null, 2, 10)).toBe(10);
    expect(nextWaitingSince(10, 5, 20)).toBe(10);
    expect(nextWaitingSince(10, 0, 30)).toBeNull();
  });
});
