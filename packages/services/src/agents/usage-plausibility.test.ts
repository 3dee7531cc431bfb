import { describe, expect, it } from "vitest";
import { implausibleUsage, screenUsage, usageBounds } from "./usage-plausibility.ts";

const createdAt = new Date("2026-12-07T00:00:00Z");
const minutesLater = (m: number) => new Date(createdAt.getTime() + m * 60_000);
// An agent with one spot pool of 20 L40S at $1.86/GPU-hour, eight minutes into the assignment.
const bounds = usageBounds([{ total: 20, pricePerGpuHour: 1.86 }], createdAt, minutesLater(8));

describe("usageBounds", () => {
  it("quadruples the agent's GPUs, prices the dearest pool at least $100/GPU-hour, and adds clock margin", () => {
    expect(bounds).toEqual({ gpus: 80, usdPerGpuHour: 100, elapsedSeconds: 480 + 600 });
    expect(usageBounds([{ total: 8, pricePerGpuHour: 120 }], createdAt, createdAt).usdPerGpuHour).toBe(240);
  });

  it("lets simulated engines, whose clocks run faster than real time, accrue seconds as fast", () => {
    expect(usageBounds([], createdAt, minutesLater(8), 144).elapsedSeconds).toBe(1080 * 144);
  });

  it("gives an agent with no pools room for a few GPUs", () => {
    expect(usageBounds([], createdAt, minutesLater(1))).toMatchObject({ gpus: 64, usdPerGpuHour: 100 });
  });
});

describe("implausibleUsage", () => {
  it("accepts what the pools could have run at a cloud's prices", () => {
    expect(implausibleUsage({ component: "spot", gpuType: "L40S", seconds: 80 * 1080, costUsd: 44 }, bounds)).toBe(
      null,
    );
    expect(implausibleUsage({ component: "router", seconds: 1080, costUsd: 0.05 }, bounds)).toBe(null);
  });

  // The real Tuna router sums GPU time in nanoseconds: 246 requests of 24.7 s read as 6.1e12 seconds.
  it("refuses GPU-seconds the pools could not have run, whatever the price per second", () => {
    const reason = implausibleUsage(
      { component: "serverless", gpuType: "L40S", seconds: 6.08e12, costUsd: 2.8e9 },
      bounds,
    );
    expect(reason).toBe(
      "6,080,000,000,000 serverless seconds within 1,080 s of the assignment's start is more than 80 GPUs could use (a unit mistake?)",
    );
    expect(implausibleUsage({ component: "spot", seconds: 80 * 1080 + 1, costUsd: 0 }, bounds)).toMatch(/80 GPUs/);
  });

  it("holds a router line to one machine's seconds", () => {
    expect(implausibleUsage({ component: "router", seconds: 1081, costUsd: 0 }, bounds)).toMatch(
      /more than one router could run/,
    );
  });

  it("refuses a cost beyond the dearest believable price per GPU-hour, past a small margin", () => {
    expect(implausibleUsage({ component: "spot", seconds: 3600, costUsd: 110 }, bounds)).toBe(null);
    expect(implausibleUsage({ component: "spot", seconds: 3600, costUsd: 110.01 }, bounds)).toBe(
      "$110 for 3,600 spot seconds is more than $100 per GPU-hour",
    );
    expect(implausibleUsage({ component: "on-demand", seconds: 0, costUsd: 5000 }, bounds)).toMatch(/per GPU-hour/);
  });
});

describe("a Tuna serverless line, priced per request", () => {
  // Request-seconds: 40 req/s at 5 s each is 200 request-seconds a second, more than the GPUs' time.
  const busy = {
    component: "serverless" as const,
    gpuType: "L40S",
    seconds: 200 * 1080,
    requests: 40 * 1080,
    costUsd: 60,
  };

  it("is held to its requests' longest possible time, not to the pools' GPUs", () => {
    expect(implausibleUsage(busy, bounds)).toBe(null);
    expect(implausibleUsage({ ...busy, seconds: 600 * busy.requests + 1 }, bounds)).toMatch(
      /more than 43,200 requests of at most 600 s could take/,
    );
  });

  it("still catches nanoseconds read as seconds", () => {
    expect(implausibleUsage({ ...busy, seconds: 6.08e12, requests: 246 }, bounds)).toMatch(/a unit mistake/);
  });
});

describe("screenUsage: what billing the report would bring the totals to", () => {
  const spot = (seconds: number, costUsd = 0) => ({ component: "spot" as const, gpuType: "L40S", seconds, costUsd });
  const limit = 80 * 1080;

  it("bills a counter that fell (an engine restart) from zero, within what the GPUs could run", () => {
    const billed = new Map([["spot|L40S", { seconds: 1000, costUsd: 0.5 }]]);
    const out = screenUsage({ lines: [spot(300, 0.15)], seen: [spot(1000, 0.5)], billed, bounds });
    expect(out).toEqual({ accepted: [spot(300, 0.15)], refused: [] });
  });

  // A figure that falls and rises again is billed again each time: each report is believable alone.
  it("refuses a counter that keeps falling and rising once its billed total passes the bound", () => {
    const billed = new Map([["spot|L40S", { seconds: limit - 10, costUsd: 0 }]]);
    const out = screenUsage({ lines: [spot(limit - 11)], seen: [spot(limit - 10)], billed, bounds });
    expect(out.accepted).toEqual([]);
    expect(out.refused).toEqual([
      {
        component: "spot",
        gpuType: "L40S",
        reason: expect.stringMatching(/^billing it would bring this assignment to 173,000 GPU seconds within 1,080 s/),
      },
    ]);
  });

  it("holds all the lines priced by GPU-time to the GPUs' time together", () => {
    const other = { component: "on-demand" as const, gpuType: "H100-SXM", seconds: limit / 2 + 1, costUsd: 0 };
    const billed = new Map([["spot|L40S", { seconds: limit / 2, costUsd: 0 }]]);
    const out = screenUsage({ lines: [spot(limit / 2), other], seen: [spot(limit / 2)], billed, bounds });
    expect(out.accepted).toEqual([spot(limit / 2)]);
    expect(out.refused.map((r) => r.component)).toEqual(["on-demand"]);
  });

  it("holds a line's billed cost to the price bound too", () => {
    const billed = new Map([["spot|L40S", { seconds: 3600, costUsd: 105 }]]);
    const out = screenUsage({ lines: [spot(3600, 105)], seen: [spot(3600, 105)], billed, bounds });
    expect(out.accepted).toEqual([spot(3600, 105)]);
    const restarted = screenUsage({ lines: [spot(36, 10.99)], seen: [spot(3600, 105)], billed, bounds });
    expect(restarted.refused[0]?.reason).toBe(
      "billing it would bring this line to $116 for 3,640 seconds, more than $100 per GPU-hour",
    );
  });
});
