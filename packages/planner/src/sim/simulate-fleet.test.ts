import { describe, expect, it } from "vitest";
import type { TFleetPolicy, TFleetTrace, TOnlineServiceSpec } from "./fleet-types.ts";
import { simulateFleet } from "./simulate-fleet.ts";
import { batchTokensPerSecond } from "./replica-throughput.ts";
import { serverlessWorkerShape } from "./account-online-minute.ts";

const base = (over: Partial<TFleetTrace>): TFleetTrace => ({
  seed: 1,
  horizonSeconds: 6 * 3600,
  jobs: [],
  services: [],
  startupSeconds: 600,
  reassignSeconds: 120,
  trueFactor: () => 1,
  throughputNoise: 0,
  routerPerHour: 0.04,
  pools: [{ id: "a100", gpuType: "A100-80GB", market: "on-demand", capacity: 16, pricePerGpuHour: 4 }],
  ...over,
});
const job = {
  id: "j1",
  arrival: 3600,
  model: "llama-3.1-8b",
  requests: 20_000,
  inputTokens: 1000,
  outputTokens: 250,
  deadline: 5 * 3600,
  priority: "normal" as const,
};

/** Adds `replicas` TP1 replicas at arrival and releases them when the job is done. */
const scripted = (replicas: number, poolId = "a100"): TFleetPolicy => ({
  name: "scripted",
  serverlessFallback: false,
  onEvent: (view, e) => {
    if (e.kind === "job-arrival") return [{ kind: "add", workloadId: e.jobId, poolId, tp: 1, count: replicas }];
    if (e.kind === "job-done")
      return view.replicas
        .filter((r) => r.workloadId === null)
        .map((r) => ({ kind: "remove" as const, replicaId: r.id }));
    if (e.kind === "preemption" && e.replica.workloadId)
      return [{ kind: "add", workloadId: e.replica.workloadId, poolId, tp: 1, count: 1 }];
    return [];
  },
});

describe("simulateFleet", () => {
  it("finishes a job at arrival + startup + work / rate and bills GPUs from launch to release", async () => {
    const rate = batchTokensPerSecond("llama-3.1-8b", "A100-80GB", 1, 1000, 250);
    const r = await simulateFleet(base({ jobs: [job] }), scripted(2));
    const seconds = 600 + (20_000 * 1250) / (2 * rate);
    expect(r.batch).toMatchObject({ jobs: 1, met: seconds + 3600 <= job.deadline ? 1 : 0 });
    expect(r.cost.onDemand).toBeCloseTo((2 * 4 * seconds) / 3600, 6);
    expect(r.gpuHours.onDemand).toBeCloseTo((2 * seconds) / 3600, 6);
    expect(r.cost.router).toBe(0);
  });

  it("reports a job that never gets GPUs as late, by an infinite amount", async () => {
    const r = await simulateFleet(base({ jobs: [job] }), {
      name: "idle",
      serverlessFallback: false,
      onEvent: () => [],
    });
    expect(r.batch.late).toEqual([{ id: "j1", lateBySeconds: Infinity }]);
  });

  it("refuses to place more GPUs than a pool holds", async () => {
    const rate = batchTokensPerSecond("llama-3.1-8b", "A100-80GB", 1, 1000, 250);
    const r = await simulateFleet(base({ jobs: [job] }), scripted(40));
    expect(r.rejectedActions).toBe(1);
    // Only the 16 that fit were launched, so the job ran at 16 replicas' rate.
    expect(r.gpuHours.onDemand).toBeCloseTo((16 * (600 + (20_000 * 1250) / (16 * rate))) / 3600, 6);
  });

  it("preempts spot replicas at the pool's hazard and lets the policy replace them", async () => {
    const pools = [
      {
        id: "spot",
        gpuType: "A100-80GB",
        market: "spot" as const,
        capacity: 16,
        pricePerGpuHour: 1,
        preemptionRatePerHour: 3,
      },
    ];
    const r = await simulateFleet(base({ jobs: [job], pools }), scripted(2, "spot"));
    expect(r.preemptions).toBeGreaterThan(0);
    expect(r.batch.jobs).toBe(1);
    expect(r.cost.spot).toBeGreaterThan(0);
    expect(await simulateFleet(base({ jobs: [job], pools }), scripted(2, "spot"))).toEqual(r);
  });

  it("sends an online deficit to serverless, billed per worker-GPU-minute, and misses the cold-start minute", async () => {
    const minutes = 30;
    const spec: TOnlineServiceSpec = {
      id: "svc",
      model: "llama-3.1-8b",
      inputTokens: 1000,
      outputTokens: 250,
      ttftP95Ms: 1000,
      tpotP95Ms: 50,
      peakRps: 5,
      loadRps: new Float64Array(minutes).fill(5),
      serverless: {
        gpuType: "L40S",
        pricePerGpuSecond: 0.0005,
        coldStartSeconds: 30,
        idleWindowSeconds: 60,
        maxWorkers: 10,
      },
    };
    const shape = serverlessWorkerShape(spec);
    const workers = Math.ceil(5 / shape.rps);
    const r = await simulateFleet(base({ horizonSeconds: minutes * 60, services: [spec] }), {
      name: "serverless",
      serverlessFallback: true,
      onEvent: () => [],
    });
    expect(r.cost.serverless).toBeCloseTo(minutes * workers * shape.tp * 60 * 0.0005, 9);
    const firstMinuteMet = workers * shape.rps * 0.5 >= 5 ? 1 : 0;
    expect(r.online).toEqual({
      minutes,
      met: minutes - 1 + firstMinuteMet,
      attainment: (minutes - 1 + firstMinuteMet) / minutes,
    });
    expect(r.cost.router).toBeCloseTo((minutes / 60) * 0.04, 9);
  });
});
