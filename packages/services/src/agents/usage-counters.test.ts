import { describe, expect, it } from "vitest";
import type { TUsageLine } from "@koi/contracts/agent/reports";
import { lastCounters, usageDeltas } from "./usage-counters.ts";

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

describe("lastCounters", () => {
  it("reads the counters and the epoch that wrote them; a fence (a later epoch) keeps counting from them", () => {
    const stored = { epoch: 2, lines: [gpu(10, 1)] };
    expect(lastCounters(stored)).toEqual({ epoch: 2, lines: [gpu(10, 1)] });
    expect(lastCounters({})).toEqual({ epoch: undefined, lines: [] });
  });
});

describe("usageDeltas: each delta", () => {
  it("carries its component, GPU type (null when none), seconds, requests and dollars", () => {
    const first = usageDeltas([], [{ ...gpu(10, 1), requests: 100 }, router(4, 0.2)]);
    expect(first.deltas).toEqual([
      { component: "spot", gpuType: "L40S", seconds: 10, requests: 100, costUsd: 1 },
      { component: "router", gpuType: null, seconds: 4, requests: null, costUsd: 0.2 },
    ]);
    const second = usageDeltas(first.next, [{ ...gpu(25, 2.5), requests: 160 }]);
    expect(second.deltas).toEqual([{ component: "spot", gpuType: "L40S", seconds: 15, requests: 60, costUsd: 1.5 }]);
  });

  it("a report that repeats the counters adds nothing", () => {
    const { next } = usageDeltas([], [{ ...gpu(10, 1), requests: 5 }]);
    expect(usageDeltas(next, [{ ...gpu(10, 1), requests: 5 }]).deltas).toEqual([]);
  });

  it("a counter that moved alone is still usage: seconds, dollars or requests", () => {
    const { next } = usageDeltas([], [{ ...gpu(10, 1), requests: 5 }]);
    expect(usageDeltas(next, [{ ...gpu(11, 1), requests: 5 }]).deltas).toMatchObject([{ seconds: 1, costUsd: 0 }]);
    expect(usageDeltas(next, [{ ...gpu(10, 1.5), requests: 5 }]).deltas).toMatchObject([{ seconds: 0, costUsd: 0.5 }]);
    expect(usageDeltas(next, [{ ...gpu(10, 1), requests: 9 }]).deltas).toMatchObject([{ seconds: 0, requests: 4 }]);
  });

  it("seconds going down alone is a restart too; requests going down alone is not", () => {
    const { next } = usageDeltas([], [{ ...gpu(40, 4), requests: 50 }]);
    expect(usageDeltas(next, [{ ...gpu(30, 4), requests: 50 }]).deltas).toEqual([
      { component: "spot", gpuType: "L40S", seconds: 30, requests: 50, costUsd: 4 },
    ]);
    // Not a restart: the requests delta is floored at zero, the rest moved on from the stored counters.
    expect(usageDeltas(next, [{ ...gpu(41, 4.1), requests: 20 }]).deltas).toEqual([
      { component: "spot", gpuType: "L40S", seconds: 1, requests: 0, costUsd: expect.closeTo(0.1, 12) },
    ]);
  });

  it("keeps each GPU type's counters apart when one report carries several", () => {
    const h100 = (seconds: number, costUsd: number): TUsageLine => ({
      component: "spot",
      gpuType: "H100",
      seconds,
      costUsd,
    });
    expect(
      storedDollars([
        [gpu(10, 1), h100(5, 2)],
        [gpu(20, 2), h100(10, 4)],
      ]),
    ).toBe(6);
  });

  it("dollars going down alone is a restart too", () => {
    const { next } = usageDeltas([], [gpu(40, 4)]);
    expect(usageDeltas(next, [gpu(41, 1)]).deltas).toEqual([
      { component: "spot", gpuType: "L40S", seconds: 41, requests: null, costUsd: 1 },
    ]);
  });

  it("keeps the last counters of components a report left out, and takes the new ones", () => {
    const { next } = usageDeltas([gpu(10, 1), router(4, 0.2)], [router(6, 0.3)]);
    expect(next).toEqual([gpu(10, 1), router(6, 0.3)]);
  });
});

describe("lastCounters: what is not counters", () => {
  it("reads no lines from no row, or from counters without lines, and no epoch that is not a number", () => {
    expect(lastCounters(null)).toEqual({ epoch: undefined, lines: [] });
    expect(lastCounters({ epoch: 1, lines: "x" })).toEqual({ epoch: 1, lines: [] });
    expect(lastCounters({ epoch: "1" })).toEqual({ epoch: undefined, lines: [] });
  });
});
