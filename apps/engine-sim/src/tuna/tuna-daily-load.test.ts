import { afterEach, describe, expect, it } from "vitest";
import { ZTunaRouterHealth } from "@koi/contracts";
import { startEngineSim, type TEngineSim } from "../start-engine-sim.ts";
import { fastSimConfig } from "../testing/sim-fixtures.ts";
import { dailyRate } from "./tuna-daily-load.ts";

let sim: TEngineSim | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const load = { peakRps: 8, troughRps: 1, peakHour: 14, startHour: 20, avgInputTokens: 800, avgOutputTokens: 200 };

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("the simulator's daily load", () => {
  it("follows a cosine from trough to peak", () => {
    expect(dailyRate(load, 14)).toBeCloseTo(8);
    expect(dailyRate(load, 2)).toBeCloseTo(1);
    expect(dailyRate(load, 8)).toBeCloseTo(4.5);
  });

  it("is routed and counted like requests, served at the model's latency, and shown in vLLM's /metrics", async () => {
    sim = await startEngineSim(fastSimConfig({ speed: 600, tuna: { dailyLoad: load, spotProvisionSeconds: 60 } }));
    const health = () =>
      fetch(`${sim!.tunaUrl}/router/health`).then(async (r) => ZTunaRouterHealth.parse(await r.json()));
    const h = await waitFor(health, (x) => x.route_stats.spot > 0 && x.route_stats.serverless > 0);
    expect(h.route_stats.total).toBe(h.route_stats.spot + h.route_stats.serverless);
    const text = await fetch(`${sim.tunaUrl}/_sim/spot/metrics`).then((r) => r.text());
    for (const name of [
      "vllm:num_requests_running",
      "vllm:num_requests_waiting",
      "vllm:kv_cache_usage_perc",
      "vllm:prompt_tokens_total",
      "vllm:generation_tokens_total",
      "vllm:request_success_total",
      "vllm:time_to_first_token_seconds",
      "vllm:inter_token_latency_seconds",
      "vllm:e2e_request_latency_seconds",
    ])
      expect(text).toContain(`# TYPE ${name}`);
    expect(text).toContain("# TYPE vllm:time_to_first_token_seconds histogram");
    const finished = /^vllm:time_to_first_token_seconds_count\{[^}]*\} (\d+)/m.exec(text);
    expect(Number(finished?.[1])).toBeGreaterThan(0);
  });

  it("POST /router/scaling-policy takes Tuna's policy whole, refuses unknown keys, and SkyServe follows it", async () => {
    sim = await startEngineSim(fastSimConfig({ tuna: { spotProvisionSeconds: 30 } }));
    const post = (body: unknown) =>
      fetch(`${sim!.tunaUrl}/router/scaling-policy`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const policy = {
      spot: { min_replicas: 3, max_replicas: 6, target_qps: 4, upscale_delay: 60, downscale_delay: 300 },
      serverless: { concurrency: 8, scaledown_window: 60, workers_min: 0, workers_max: 2 },
    };
    expect((await post({ ...policy, spot: { ...policy.spot, extra: 1 } })).status).toBe(422);
    expect((await post(policy)).status).toBe(200);
    expect(await (await fetch(`${sim.tunaUrl}/router/scaling-policy`)).json()).toEqual(policy);
    const h = await waitFor(
      () => fetch(`${sim!.tunaUrl}/router/health`).then(async (r) => ZTunaRouterHealth.parse(await r.json())),
      (x) => x.spot_replicas === 3,
    );
    expect(h.spot_state).toBe("ready");
  });
});
