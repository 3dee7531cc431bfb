import { describe, expect, it } from "vitest";
import type { TUsageLine } from "@koi/contracts/agent/reports";
import { countersForEpoch, usageDeltas } from "./usage-counters.ts";

const gpu = (seconds: number, costUsd: number): TUsageLine => ({
  component: "spot",
  gpuType: "L40S",
  seconds,
  costUsd,
});
const router = (seconds: number, costUsd: number): TUsageLine => ({ component: "router", seconds, costUsd });

/** Feeds reports one after the other, as recordReport does, and sums the dollars stored. */
function storedDollars(reports: TUsageLine[][]): number {
  let seen: TUsageLine[] = [];
  let total = 0;
  for (const report of reports) {
    const { deltas, next } = usageDeltas(seen, report);
    total += deltas.reduce((sum, d) => sum + d.costUsd, 0);
    seen = next;
  }
  return Math.round(total * 100) / 100;
}

describe("usageDeltas", () => {
  it("stores the increase of each cumulative counter", () => {
    expect(storedDollars([[gpu(10, 1)], [gpu(30, 3)], [gpu(50, 5)]])).toBe(5);
  });

  it("a component left out of one report and sent again is not counted from zero ($4 → missing → $5 is $5)", () => {
    expect(storedDollars([[gpu(40, 4), router(5, 0.5)], [router(6, 0.6)], [gpu(50, 5), router(7, 0.7)]])).toBe(5.7);
  });

  it("a counter that goes down is an engine restart: it counts again from zero", () => {
    expect(storedDollars([[gpu(40, 4)], [gpu(10, 1)], [gpu(20, 2)]])).toBe(6);
  });

  it("keeps components apart by GPU type", () => {
    const h100: TUsageLine = { component: "spot", gpuType: "H100", seconds: 5, costUsd: 2 };
    expect(storedDollars([[gpu(10, 1)], [gpu(10, 1), h100]])).toBe(3);
  });
});

describe("countersForEpoch", () => {
  it("starts a new epoch from zero and reads the current one", () => {
    const stored = { epoch: 2, lines: [gpu(10, 1)] };
    expect(countersForEpoch(stored, 2)).toEqual([gpu(10, 1)]);
    expect(countersForEpoch(stored, 3)).toEqual([]);
    expect(countersForEpoch({}, 0)).toEqual([]);
  });
});
