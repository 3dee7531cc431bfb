import { describe, expect, it } from "vitest";
import type { TTunaRouteStatsFull } from "@koi/contracts";
import { accrueServerless, advanceBaseline, attachBaseline, NO_SERVERLESS } from "./tuna-usage.ts";

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

describe("serverless usage, priced interval by interval", () => {
  it("only grows while Tuna's own estimate falls with the mean spot request", () => {
    // 100 serverless requests while spot requests averaged 10 s, then spot traffic brings the mean to 2 s.
    const first = accrueServerless(NO_SERVERLESS, 100, 10, 3.6);
    expect(first).toEqual({ requests: 100, unpriced: 0, seconds: 1000, costUsd: 1 });
    const later = accrueServerless(first, 100, 2, 3.6);
    expect(later).toEqual(first); // Tuna's formula would now say 100 × 2 s: $0.20, less than before
    const more = accrueServerless(later, 150, 2, 3.6);
    expect(more).toMatchObject({ requests: 150, seconds: 1100, costUsd: 1.1 });
  });

  it("prices requests seen before any spot request once a mean exists", () => {
    const waiting = accrueServerless(NO_SERVERLESS, 40, 0, 3.6);
    expect(waiting).toEqual({ requests: 40, unpriced: 40, seconds: 0, costUsd: 0 });
    expect(accrueServerless(waiting, 50, 5, 3.6)).toEqual({ requests: 50, unpriced: 0, seconds: 250, costUsd: 0.25 });
  });

  it("equals Tuna's formula while the mean holds still", () => {
    let acc = NO_SERVERLESS;
    for (const n of [3, 7, 7, 20]) acc = accrueServerless(acc, n, 4, 1.8);
    expect(acc.seconds).toBe(20 * 4);
    expect(acc.costUsd).toBeCloseTo(((20 * 4) / 3600) * 1.8, 12);
  });
});
