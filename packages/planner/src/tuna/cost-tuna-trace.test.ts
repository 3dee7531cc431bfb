import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { costTunaTrace } from "./cost-tuna-trace.ts";
import { simulateTunaRouter, type TTunaTraceInput } from "./simulate-tuna-router.ts";

const base = (over: Partial<TTunaTraceInput>): TTunaTraceInput => ({
  requests: [],
  horizonSeconds: 200,
  gpuCount: 1,
  onDemandPricePerGpuSecond: 0.002,
  serverless: { pricePerGpuSecond: 0.001, coldStartSeconds: 5 },
  spot: { pricePerGpuSecond: 0.0005, provisioningSeconds: 30, replicaWatcherIntervalSeconds: null },
  router: { colocated: false },
  ...over,
});

const warmUpTrace = base({
  requests: [
    { arrival: 1, serviceSeconds: 2 },
    { arrival: 40, serviceSeconds: 3 },
    { arrival: 50, serviceSeconds: 3 },
    { arrival: 150, serviceSeconds: 2 },
  ],
});

describe("simulateTunaRouter", () => {
  it("serves everything on serverless without spot, with cold start and idle-window billing", () => {
    const run = simulateTunaRouter(
      base({
        horizonSeconds: 1000,
        spot: null,
        requests: [
          { arrival: 0, serviceSeconds: 2 },
          { arrival: 10, serviceSeconds: 2 },
          { arrival: 100, serviceSeconds: 2 },
        ],
      }),
    );
    expect(run.routed.map((r) => [r.backend, r.start, r.end])).toEqual([
      ["serverless", 5, 7],
      ["serverless", 10, 12],
      ["serverless", 105, 107],
    ]);
    // worker 1: 0 → 12+60; worker 2: 100 → 107+60
    expect(run.serverless).toEqual({ billedWorkerSeconds: 72 + 67, coldStarts: 2 });
    expect(run.routeStats).toMatchObject({
      total: 3,
      spot: 0,
      serverless: 3,
      gpu_seconds_serverless: 16,
      spot_ready_seconds: 0,
    });
    expect(run.transitions).toEqual([]);
  });

  it("warms at startup, turns ready on the poke after the replica is up, and goes cold after idling", () => {
    const run = simulateTunaRouter(warmUpTrace);
    expect(run.transitions.map((t) => [t.t, t.to, t.why])).toEqual([
      [0, "warming", "router startup with a spot URL"],
      [30, "ready", "poke: /v1/models answered"],
      [150, "cold", "idle timeout"],
      [150, "warming", "request routed to serverless"],
      [180, "ready", "poke: /v1/models answered"],
    ]);
    expect(run.routed.map((r) => r.backend)).toEqual(["serverless", "spot", "spot", "serverless"]);
    expect(run.spotReplicas).toEqual([
      { provisionedAt: 0, readyAt: 30, endedAt: 113, endReason: "released" },
      { provisionedAt: 150, readyAt: 180, endedAt: 200, endReason: "horizon" },
    ]);
    expect(run.routeStats).toEqual({
      total: 4,
      spot: 2,
      serverless: 2,
      gpu_seconds_spot: 6,
      gpu_seconds_serverless: 14,
      uptime_seconds: 200,
      spot_ready_seconds: 140,
    });
  });

  it("retries a request on serverless after an undetected preemption and counts it on both backends", () => {
    const run = simulateTunaRouter(
      base({
        horizonSeconds: 100,
        spot: {
          pricePerGpuSecond: 0.0005,
          provisioningSeconds: 10,
          preemptionTimes: [50],
          replicaWatcherIntervalSeconds: null,
        },
        requests: [
          { arrival: 20, serviceSeconds: 1 },
          { arrival: 60, serviceSeconds: 1 },
          { arrival: 70, serviceSeconds: 1 },
        ],
      }),
    );
    expect(run.routeStats).toMatchObject({ total: 4, spot: 3, serverless: 1, gpu_seconds_spot: 2 });
    expect(run.routed.map((r) => [r.backend, r.retried])).toEqual([
      ["spot", false],
      ["serverless", true],
      ["spot", false],
    ]);
    expect(run.transitions.map((t) => t.why)).toContain("spot connection error");
    expect(run.spotReplicas[0]).toEqual({ provisionedAt: 0, readyAt: 10, endedAt: 50, endReason: "preempted" });
  });

  it("lets the replica watcher notice a preemption before any request does", () => {
    const run = simulateTunaRouter(
      base({
        horizonSeconds: 100,
        spot: {
          pricePerGpuSecond: 0.0005,
          provisioningSeconds: 20,
          preemptionTimes: [50],
          replicaWatcherIntervalSeconds: 30,
          minReplicas: 1,
        },
        requests: [
          { arrival: 20, serviceSeconds: 1 },
          { arrival: 62, serviceSeconds: 1 },
        ],
      }),
    );
    expect(run.transitions.map((t) => [t.t, t.to, t.why])).toContainEqual([60, "cold", "watcher: 0 spot replicas"]);
    // minReplicas 1: SkyServe replaces the lost replica at once; the router, warming again after the request at 62, finds it at the 72 s poke.
    expect(run.spotReplicas[1]?.provisionedAt).toBe(50);
    expect(run.routeStats.spot).toBe(1);
    expect(run.transitions.at(-1)).toMatchObject({ t: 72, to: "ready" });
  });
});

describe("costTunaTrace", () => {
  it("prices the warm-up trace exactly in both modes", () => {
    const koi = costTunaTrace(warmUpTrace, "koi");
    expect(koi.components.spot).toBeCloseTo((113 + 50) * 0.0005, 12);
    expect(koi.components.serverless).toBeCloseTo((67 + 50) * 0.001, 12);
    expect(koi.components.router).toBeCloseTo((200 / 3600) * 0.04, 12);
    expect(koi.baselines.serverless).toBeCloseTo((112 + 50) * 0.001, 12);
    expect(koi.baselines.onDemand).toBeCloseTo(0.4, 12);

    const tuna = costTunaTrace(warmUpTrace, "tuna");
    expect(tuna.components.serverless).toBeCloseTo(0.006, 12); // 2 requests × 3 s average spot time
    expect(tuna.components.spot).toBeCloseTo(0.07, 12); // 140 s ready
    expect(tuna.baselines.serverless).toBeCloseTo(0.012, 12);
    expect(tuna.components.total).toBeLessThan(koi.components.total);
  });

  const arbitraryTrace = fc.record({
    gaps: fc.array(fc.double({ min: 0, max: 120, noNaN: true }), { minLength: 1, maxLength: 60 }),
    service: fc.array(fc.double({ min: 0.1, max: 20, noNaN: true }), { minLength: 60, maxLength: 60 }),
    preemptions: fc.array(fc.double({ min: 0, max: 4000, noNaN: true }), { maxLength: 4 }),
    gpuCount: fc.integer({ min: 1, max: 8 }),
    minReplicas: fc.integer({ min: 0, max: 1 }),
    watcher: fc.boolean(),
  });

  it("routes every request once (twice on a spot failure) and never overlaps spot replicas", () => {
    fc.assert(
      fc.property(arbitraryTrace, (x) => {
        let t = 0;
        const requests = x.gaps.map((g, i) => ({ arrival: (t += g), serviceSeconds: x.service[i]! }));
        const input = base({
          requests,
          horizonSeconds: t + 100,
          gpuCount: x.gpuCount,
          spot: {
            pricePerGpuSecond: 0.0005,
            provisioningSeconds: 30,
            preemptionTimes: x.preemptions,
            minReplicas: x.minReplicas,
            replicaWatcherIntervalSeconds: x.watcher ? 30 : null,
          },
        });
        const koi = costTunaTrace(input, "koi");
        const s = koi.run.routeStats;
        const retries = koi.run.routed.filter((r) => r.retried).length;
        let lastEnd = 0;
        for (const life of koi.run.spotReplicas) {
          if (life.provisionedAt < lastEnd - 1e-9 || life.endedAt < life.provisionedAt) return false;
          lastEnd = life.endedAt;
        }
        const served = koi.run.routed.filter((r) => r.backend === "serverless");
        const busy = served.reduce((sum, r) => sum + (r.end - r.start), 0);
        return (
          s.total === s.spot + s.serverless &&
          s.total === requests.length + retries &&
          koi.run.routed.length === requests.length &&
          s.spot_ready_seconds <= input.horizonSeconds + 1e-9 &&
          koi.run.serverless.billedWorkerSeconds + 1e-6 >= busy / 32 &&
          served.every((r) => r.start >= r.arrival) &&
          Math.abs(koi.savings.vsServerless - (koi.baselines.serverless - koi.components.total)) < 1e-12
        );
      }),
      { numRuns: 200 },
    );
  });

  it("is deterministic", () => {
    expect(costTunaTrace(warmUpTrace, "koi").components).toEqual(costTunaTrace(warmUpTrace, "koi").components);
  });
});
