import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { tunaCostFromRouteStats, type TTunaRouteStats } from "./tuna-cost-from-route-stats.ts";
import { lookupTunaServerlessPrice } from "./lookup-tuna-serverless-price.ts";

const stats = (over: Partial<TTunaRouteStats>): TTunaRouteStats => ({
  total: 0,
  spot: 0,
  serverless: 0,
  gpu_seconds_spot: 0,
  gpu_seconds_serverless: 0,
  uptime_seconds: 0,
  spot_ready_seconds: 0,
  ...over,
});

describe("tunaCostFromRouteStats", () => {
  it.each([
    {
      name: "hybrid, router on its own VM",
      routeStats: stats({
        total: 1000,
        spot: 800,
        serverless: 200,
        gpu_seconds_spot: 2400,
        gpu_seconds_serverless: 999,
        uptime_seconds: 7200,
        spot_ready_seconds: 5400,
      }),
      prices: { serverlessPerGpuHour: 3.95, spotPerGpuHour: 2.5, onDemandPerGpuHour: 12.29 },
      deployment: { gpuCount: 4, colocated: false },
      // avg = 3 s; serverless = 200·3/3600·3.95; spot = 1.5 h·2.5·4; router = 2 h·0.04
      expected: {
        avgComputePerReq: 3,
        actualServerless: (600 / 3600) * 3.95,
        actualSpot: 15,
        actualRouter: 0.08,
        allServerless: (3000 / 3600) * 3.95,
        allOnDemand: 2 * 12.29 * 4,
      },
    },
    {
      name: "nothing on spot yet: serverless figures are 0 even with serverless traffic",
      routeStats: stats({
        total: 50,
        serverless: 50,
        gpu_seconds_serverless: 400,
        uptime_seconds: 600,
        spot_ready_seconds: 0,
      }),
      prices: { serverlessPerGpuHour: 3.95, spotPerGpuHour: 2.5, onDemandPerGpuHour: 12.29 },
      deployment: { gpuCount: 1, colocated: true },
      expected: {
        avgComputePerReq: 0,
        actualServerless: 0,
        actualSpot: 0,
        actualRouter: 0,
        allServerless: 0,
        allOnDemand: (600 / 3600) * 12.29,
      },
    },
  ])("$name", ({ routeStats, prices, deployment, expected }) => {
    const r = tunaCostFromRouteStats(routeStats, prices, deployment);
    for (const [key, value] of Object.entries(expected)) expect(r[key as keyof typeof r]).toBeCloseTo(value, 12);
    expect(r.actualTotal).toBe(r.actualServerless + r.actualSpot + r.actualRouter);
  });

  it("matches Python's evaluation order bit for bit (values printed by CPython 3.12)", () => {
    // python3 -c 'a=1234.5/77; print(repr(23*a/3600*3.95), repr(4321.7/3600*2.5*8), repr(100*a/3600*3.95))'
    const r = tunaCostFromRouteStats(
      stats({ spot: 77, serverless: 23, gpu_seconds_spot: 1234.5, spot_ready_seconds: 4321.7, uptime_seconds: 5000 }),
      { serverlessPerGpuHour: 3.95, spotPerGpuHour: 2.5, onDemandPerGpuHour: 12.29 },
      { gpuCount: 8, colocated: false },
    );
    expect(r.actualServerless).toBe(0.40459713203463205);
    expect(r.actualSpot).toBe(24.009444444444444);
    expect(r.allServerless).toBe(1.7591179653679654);
  });

  it("keeps savings = counterfactual − actual and ignores gpu_seconds_serverless", () => {
    fc.assert(
      fc.property(
        fc.record({
          spot: fc.nat(10_000),
          serverless: fc.nat(10_000),
          gpuSpot: fc.double({ min: 0, max: 1e6, noNaN: true }),
          gpuSvl: fc.double({ min: 0, max: 1e6, noNaN: true }),
          uptime: fc.double({ min: 0, max: 1e7, noNaN: true }),
          readyFrac: fc.double({ min: 0, max: 1, noNaN: true }),
          gpuCount: fc.integer({ min: 1, max: 8 }),
          colocated: fc.boolean(),
        }),
        (x) => {
          const base = stats({
            total: x.spot + x.serverless,
            spot: x.spot,
            serverless: x.serverless,
            gpu_seconds_spot: x.gpuSpot,
            gpu_seconds_serverless: x.gpuSvl,
            uptime_seconds: x.uptime,
            spot_ready_seconds: x.uptime * x.readyFrac,
          });
          const prices = { serverlessPerGpuHour: 3.95, spotPerGpuHour: 2.1, onDemandPerGpuHour: 12.29 };
          const r = tunaCostFromRouteStats(base, prices, { gpuCount: x.gpuCount, colocated: x.colocated });
          const other = tunaCostFromRouteStats({ ...base, gpu_seconds_serverless: x.gpuSvl + 123 }, prices, {
            gpuCount: x.gpuCount,
            colocated: x.colocated,
          });
          return (
            r.savingsVsOnDemand === r.allOnDemand - r.actualTotal &&
            r.savingsVsServerless === r.allServerless - r.actualTotal &&
            other.actualTotal === r.actualTotal
          );
        },
      ),
    );
  });

  it("rejects route stats that are not numbers", () => {
    expect(() =>
      tunaCostFromRouteStats(
        { ...stats({}), spot: -1 },
        { serverlessPerGpuHour: 1, spotPerGpuHour: 1, onDemandPerGpuHour: 1 },
        { gpuCount: 1, colocated: true },
      ),
    ).toThrow();
  });
});

describe("lookupTunaServerlessPrice", () => {
  it.each([
    ["H100", "modal", 3.95],
    ["A100", "runpod", 1.12],
    ["4090", "runpod", 1.01],
    ["L4", "cloudrun", 0.84],
    ["H200", "modal", 0],
    ["H100", "nosuch", 0],
  ])("%s on %s costs %d/GPU-h", (gpu, provider, price) => {
    expect(lookupTunaServerlessPrice(gpu, provider)).toBe(price);
  });
});
