import { describe, expect, it } from "vitest";
import type { TTunaRouteStatsFull } from "@koi/contracts";
import { advanceBaseline, attachBaseline } from "./tuna-usage.ts";

const stats = (total: number, spot: number, uptime: number, ready = 0): TTunaRouteStatsFull => ({
  total,
  spot,
  serverless: total - spot,
  rejected: 0,
  pct_spot: 0,
  pct_serverless: 0,
  window_total: 0,
  window_spot: 0,
  window_serverless: 0,
  gpu_seconds_spot: spot * 2,
  gpu_seconds_serverless: (total - spot) * 3,
  uptime_seconds: uptime,
  spot_ready_seconds: ready,
});

describe("route_stats since attach", () => {
  it("subtracts the counters at attach time", () => {
    const base = attachBaseline(stats(10, 4, 100));
    expect(advanceBaseline(base, stats(15, 6, 160)).since).toMatchObject({
      total: 5,
      spot: 2,
      serverless: 3,
      uptime_seconds: 60,
      gpu_seconds_spot: 4,
    });
  });

  it("survives a router restart (counters and uptime reset) without losing or double-counting", () => {
    let baseline = attachBaseline(stats(10, 4, 100, 50));
    baseline = advanceBaseline(baseline, stats(20, 10, 200, 120)).baseline; // +10 requests, +100 s
    const afterRestart = advanceBaseline(baseline, stats(3, 1, 30, 10));
    expect(afterRestart.since).toMatchObject({ total: 13, spot: 7, uptime_seconds: 130, spot_ready_seconds: 80 });
    expect(advanceBaseline(afterRestart.baseline, stats(5, 2, 60, 20)).since).toMatchObject({
      total: 15,
      spot: 8,
      uptime_seconds: 160,
    });
  });
});
