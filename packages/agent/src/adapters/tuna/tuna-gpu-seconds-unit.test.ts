import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEngineSim, type TEngineSim } from "@koi/engine-sim";
import { assignmentRecord } from "../../testing/assignment-record.ts";
import { deployCommand } from "../../testing/commands.ts";
import { chatDayAdapterOptions, chatDaySimConfig } from "../../testing/tuna-chat-day.ts";
import { createTunaAdapter } from "./tuna-adapter.ts";
import { inSeconds, ZERO_STATS } from "./tuna-usage.ts";

/*
 * Tuna's FastAPI router sums request durations in nanoseconds (`perf_counter_ns`) under the name
 * `gpu_seconds_*`. Driven by the real router, Koi billed a 2 req/s chat service $2.9 billion in
 * eight minutes. The simulator reports them the same way (its default).
 */

describe("gpu_seconds in the unit the router really uses", () => {
  it("reads a mean beyond any request's length as nanoseconds, and seconds as seconds", () => {
    const v = { ...ZERO_STATS, spot: 3, serverless: 2, gpu_seconds_spot: 1_854_257_061, gpu_seconds_serverless: 5.5 };
    expect(inSeconds(v)).toMatchObject({ gpu_seconds_spot: 1.854257061, gpu_seconds_serverless: 5.5 });
    // No requests: nothing to divide, nothing changed.
    expect(inSeconds({ ...ZERO_STATS, gpu_seconds_spot: 7 }).gpu_seconds_spot).toBe(7);
  });
});

describe("Tuna adapter against a router that reports nanoseconds", () => {
  let sim: TEngineSim;
  beforeAll(async () => {
    sim = await startEngineSim(chatDaySimConfig({ gpuSecondsUnit: "nanoseconds" }));
  });
  afterAll(() => sim.close());

  it("bills serverless from the mean spot request in seconds, as `tuna cost` means to", async () => {
    const tuna = createTunaAdapter(chatDayAdapterOptions(sim));
    const deploy = deployCommand({ workload: { kind: "online", requestsPerSecond: 4 } });
    const attached = await tuna.execute(deploy, undefined);
    const a = assignmentRecord("tuna", deploy.assignmentId, {
      engineRef: attached.engineRef!,
      adapterState: attached.adapterState!,
    });
    // Serverless serves while spot boots (60 simulated seconds), then spot takes the traffic.
    const end = Date.now() + 15_000;
    let usage: Record<string, { seconds: number; requests?: number; costUsd: number }> = {};
    while (Date.now() < end && !(usage.spot?.requests && usage.serverless?.requests)) {
      await new Promise((r) => setTimeout(r, 100));
      const { report, adapterState } = await tuna.poll(a);
      a.adapterState = adapterState ?? a.adapterState;
      usage = Object.fromEntries(report.usage.map((u) => [u.component, u]));
    }
    expect(usage.spot?.requests, JSON.stringify(usage)).toBeGreaterThan(0);
    expect(usage.serverless?.requests, JSON.stringify(usage)).toBeGreaterThan(0);
    const stats = sim.tuna.router.routeStats();
    expect(stats.gpu_seconds_spot / stats.spot).toBeGreaterThan(1e6); // what the router says
    const perRequest = usage.serverless!.seconds / usage.serverless!.requests!;
    expect(perRequest).toBeGreaterThan(0.01);
    expect(perRequest).toBeLessThan(600);
    // Modal's L4 at $0.80/GPU-h for a few hundred chat requests: dollars, not billions.
    expect(usage.serverless!.costUsd).toBeCloseTo((usage.serverless!.seconds / 3600) * 0.8, 9);
    expect(usage.serverless!.costUsd).toBeLessThan(10);
  });
});
