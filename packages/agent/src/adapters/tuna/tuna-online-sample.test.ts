import type { TOnlineSample } from "@koi/contracts";
import { describe, expect, it } from "vitest";
import { estimateSpotReplicas, observeInterval, startObserver, type TOnlineObserver } from "./tuna-online-sample.ts";
import { tunaRouterHealth } from "../../testing/tuna-router-health.ts";
import { vectorOf } from "./tuna-usage.ts";
import { readVllmMetrics } from "./vllm-scrape.ts";

/*
 * SkyServe's load balancer answers each GET of the spot URL's /metrics from any one of its replicas
 * (ENGINE_CONTRACTS D.1: everything but /router/* is proxied). Two replicas that have served for
 * different lengths of time expose very different cumulative counters, so reading one after the
 * other as if they were one server makes up traffic and latency that never happened.
 */

/** One vLLM process's /metrics: its start time, its counters, and TPOT observations all ≤ `tpotLe`. */
function vllm(started: number, c: { prompt: number; generation: number; finished: number; tpotLe: number }) {
  return readVllmMetrics(`# TYPE process_start_time_seconds gauge
process_start_time_seconds ${started}
# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{model_name="m"} ${c.prompt}
# TYPE vllm:generation_tokens_total counter
vllm:generation_tokens_total{model_name="m"} ${c.generation}
# TYPE vllm:request_success_total counter
vllm:request_success_total{model_name="m",finished_reason="stop"} ${c.finished}
# TYPE vllm:inter_token_latency_seconds histogram
vllm:inter_token_latency_seconds_bucket{le="0.025",model_name="m"} ${c.tpotLe <= 0.025 ? c.generation : 0}
vllm:inter_token_latency_seconds_bucket{le="0.05",model_name="m"} ${c.tpotLe <= 0.05 ? c.generation : 0}
vllm:inter_token_latency_seconds_bucket{le="0.1",model_name="m"} ${c.generation}
vllm:inter_token_latency_seconds_bucket{le="+Inf",model_name="m"} ${c.generation}
`);
}

const health = (uptime: number, spot: number) =>
  tunaRouterHealth({ uptime, spot, skyserve_base_url: "http://controller:30001" });

describe("observeInterval with several spot replicas behind one URL", () => {
  // Replica A has served for hours (slow, TPOT ≤ 100 ms); replica B started a minute ago (fast).
  // Each request is 1,000 prompt and 200 output tokens; the router sends 150 requests a poll.
  const a = (finished: number) =>
    vllm(1_000, { prompt: finished * 1000, generation: finished * 200, finished, tpotLe: 0.1 });
  const b = (finished: number) =>
    vllm(9_000, { prompt: finished * 1000, generation: finished * 200, finished, tpotLe: 0.025 });

  function replay(reads: ReturnType<typeof a>[]) {
    let observer: TOnlineObserver = startObserver(health(0, 0), 0);
    const samples = reads.map((read, i) => {
      const h = health(15 * (i + 1), 150 * (i + 1));
      const out = observeInterval(observer, h, vectorOf(h.route_stats), { spot: read, errors: [] }, 15_000 * (i + 1));
      observer = out.observer;
      return out.sample!;
    });
    return samples;
  }

  it("compares a read only with the same process's last read, never with another replica's", () => {
    // A, then B (first seen: nothing to compare), then A again, 150 requests after its last read.
    const [, second, third] = replay([a(50_000), b(300), a(50_075)]) as [TOnlineSample, TOnlineSample, TOnlineSample];
    // The old reading took B's 60,000 output tokens since its start as this interval's: 4,000 tok/s.
    expect(second.outputTokensPerSecond).toBe(0);
    expect(second.tpotP95Ms).toBeNull();
    // A served 75 of the interval's 150 requests; the router's 150 × A's 200 tokens each, over 15 s.
    expect(third.outputTokensPerSecond).toBeCloseTo((150 * 200) / 15);
    expect(third.inputTokensPerSecond).toBeCloseTo((150 * 1000) / 15);
    // A's own TPOT, not B's nor a mix.
    expect(third.tpotP95Ms).toBeGreaterThan(50);
  });

  it("reads a server that does not name its process as before: its counters' growth", () => {
    const unnamed = (finished: number) => ({ ...a(finished), instance: null });
    const [, second] = replay([unnamed(100), unnamed(175)]) as [TOnlineSample, TOnlineSample];
    expect(second.outputTokensPerSecond).toBeCloseTo((75 * 200) / 15);
  });
});

describe("spot replica-seconds from a router that does not count replicas (Tuna's)", () => {
  const policy = {
    spot: { min_replicas: 2, max_replicas: 6, target_qps: 3, upscale_delay: 60, downscale_delay: 300 },
    serverless: { concurrency: 8, scaledown_window: 60, workers_min: 0, workers_max: 2 },
  };

  it("bills what SkyServe runs under Koi's policy: the floor, or the rate over target_qps, never past the ceiling", () => {
    let observer: TOnlineObserver = { ...startObserver(health(0, 0), 0), policy };
    // 2 req/s (the floor of 2 holds), then 12 req/s (4 replicas), then 300 req/s (the ceiling, 6); 15 s each.
    const seconds: number[] = [];
    let spot = 0;
    for (const [i, rps] of [2, 12, 300].entries()) {
      spot += rps * 15;
      const h = health(15 * (i + 1), spot);
      observer = observeInterval(observer, h, vectorOf(h.route_stats), { errors: [] }, 15_000 * (i + 1)).observer;
      seconds.push(observer.spotReplicaSeconds);
    }
    // `tuna cost` bills one replica while spot is ready: 45 replica-seconds in all.
    expect(seconds).toEqual([30, 30 + 60, 30 + 60 + 90]);
  });

  it("without a policy from Koi, counts one replica as `tuna cost` does", () => {
    expect(estimateSpotReplicas(null, 50)).toBe(1);
    expect(estimateSpotReplicas({ ...policy, spot: { ...policy.spot, min_replicas: 0 } }, 0)).toBe(1);
  });
});
