import { describe, expect, it } from "vitest";
import { implausibleUsage, usageBounds } from "./usage-plausibility.ts";

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
      /more than 1 GPU could/,
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
