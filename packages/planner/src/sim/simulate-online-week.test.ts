import { describe, expect, it } from "vitest";
import type { TFleetTrace } from "./fleet-types.ts";
import { generateFleetTrace } from "./generate-fleet-trace.ts";
import {
  cheapestVariant,
  onDemandAtPeakPolicy,
  qpsThresholdPolicy,
  serverlessOnlyPolicy,
} from "./online-policy-baselines.ts";
import { koiOnlinePolicy } from "./online-policy-koi.ts";
import { peakLoad } from "./replica-throughput.ts";
import { simulateOnlineWeek } from "./simulate-online-week.ts";

/** One day of the fleet trace's online services; on-demand is bought for peak, so it is not capped. */
const DAY: TFleetTrace = (() => {
  const t = generateFleetTrace({ seed: 5, days: 1 });
  return { ...t, pools: t.pools.map((p) => (p.market === "on-demand" ? { ...p, capacity: 10_000 } : p)) };
})();
const storm = (trace: TFleetTrace, factor: number): TFleetTrace => ({
  ...trace,
  pools: trace.pools.map((p) =>
    p.preemptionRatePerHour ? { ...p, preemptionRatePerHour: p.preemptionRatePerHour * factor } : p,
  ),
});

describe("simulateOnlineWeek", { timeout: 60_000 }, () => {
  const koi = simulateOnlineWeek(DAY, koiOnlinePolicy());
  const od = simulateOnlineWeek(DAY, onDemandAtPeakPolicy());

  it("bills an always-on fleet exactly: replicas × GPUs × price × hours", () => {
    let expected = 0;
    for (const s of DAY.services) {
      const best = cheapestVariant(s, DAY, "on-demand")!;
      expected += Math.ceil(peakLoad(s) / best.rate.rps) * best.tp * best.pool.pricePerGpuHour * 24;
    }
    expect(od.cost.onDemand).toBeCloseTo(expected, 6);
    expect(od.cost.total).toBeCloseTo(expected, 6);
    expect(od.minutes).toBe(3 * 1440);
    expect(od.attainment).toBeGreaterThan(0.97);
  });

  it("Koi keeps the SLO on almost every minute at a fraction of on-demand at peak", () => {
    expect(koi.attainment).toBeGreaterThan(0.99);
    expect(koi.cost.total).toBeLessThan(0.4 * od.cost.total);
    expect(koi.cost.onDemand).toBe(0);
    for (const s of koi.services) expect(s.decisions).toBeGreaterThan(0);
    expect(koi.cost.total).toBeCloseTo(koi.cost.spot + koi.cost.serverless + koi.cost.router, 9);
    expect(koi.services.reduce((x, s) => x + s.cost, 0)).toBeCloseTo(koi.cost.total - koi.cost.router, 6);
  });

  it("is deterministic for a trace", () => {
    expect(simulateOnlineWeek(DAY, koiOnlinePolicy(), { minutes: 240 })).toEqual(
      simulateOnlineWeek(DAY, koiOnlinePolicy(), { minutes: 240 }),
    );
  });

  it("spot reclaims happen, cost minutes to cold starts, and serverless carries the load meanwhile", () => {
    const calm = simulateOnlineWeek(
      DAY,
      qpsThresholdPolicy({ fraction: 0.8, downscaleDelaySeconds: 300, placement: "cheapest" }),
    );
    const stormy = simulateOnlineWeek(
      storm(DAY, 300),
      qpsThresholdPolicy({ fraction: 0.8, downscaleDelaySeconds: 300, placement: "cheapest" }),
    );
    expect(stormy.preemptions).toBeGreaterThan(calm.preemptions);
    expect(stormy.cost.serverless).toBeGreaterThan(calm.cost.serverless);
    expect(stormy.services.reduce((x, s) => x + s.misses.coldStart + s.misses.reclaim, 0)).toBeGreaterThan(0);
    expect(stormy.attainment).toBeLessThan(calm.attainment);
  });

  it("serverless only pays per worker and misses minutes when its workers are too few or cold", () => {
    const tight = simulateOnlineWeek(DAY, serverlessOnlyPolicy({ fraction: 1, scaledownWindowSeconds: 60 }), {
      minutes: 600,
    });
    const loose = simulateOnlineWeek(DAY, serverlessOnlyPolicy({ fraction: 0.6, scaledownWindowSeconds: 60 }), {
      minutes: 600,
    });
    expect(tight.cost.spot + tight.cost.onDemand + tight.cost.router).toBe(0);
    expect(loose.cost.serverless).toBeGreaterThan(tight.cost.serverless);
    expect(loose.attainment).toBeGreaterThanOrEqual(tight.attainment);
  });
});
