import { describe, expect, it } from "vitest";
import { histogramDelta, histogramQuantile, readVllmMetrics } from "./vllm-scrape.ts";

// A vLLM V0 server's exposition (older metric names), two models' series on one server.
const V0 = `# HELP vllm:num_requests_running Number of requests currently running on GPU.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="a"} 3.0
vllm:num_requests_running{model_name="b"} 2.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{model_name="a"} 1.0
# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{model_name="a"} 0.25
vllm:gpu_cache_usage_perc{model_name="b"} 0.5
# HELP vllm:prompt_tokens_total Number of prefill tokens processed.
# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{model_name="a"} 1000.0
# HELP vllm:generation_tokens_total Number of generation tokens processed.
# TYPE vllm:generation_tokens_total counter
vllm:generation_tokens_total{model_name="a"} 400.0
# HELP vllm:time_per_output_token_seconds Histogram of time per output token in seconds.
# TYPE vllm:time_per_output_token_seconds histogram
vllm:time_per_output_token_seconds_bucket{le="0.05",model_name="a"} 50.0
vllm:time_per_output_token_seconds_bucket{le="0.1",model_name="a"} 90.0
vllm:time_per_output_token_seconds_bucket{le="+Inf",model_name="a"} 100.0
vllm:time_per_output_token_seconds_count{model_name="a"} 100.0
vllm:time_per_output_token_seconds_sum{model_name="a"} 5.0
`;

describe("readVllmMetrics", () => {
  it("reads V0 names, sums series, takes the busiest KV cache", () => {
    const m = readVllmMetrics(V0);
    expect(m).toMatchObject({ running: 5, waiting: 1, kvCacheUsage: 0.5, promptTokens: 1000, generationTokens: 400 });
    expect(m.tpot).toEqual([
      { le: 0.05, count: 50 },
      { le: 0.1, count: 90 },
      { le: Infinity, count: 100 },
    ]);
    expect(m.ttft).toEqual([]);
    expect(m.requestsFinished).toBe(0);
  });
});

describe("histogramQuantile (Prometheus' histogram_quantile)", () => {
  const h = [
    { le: 0.05, count: 50 },
    { le: 0.1, count: 90 },
    { le: 0.2, count: 100 },
    { le: Infinity, count: 100 },
  ];
  it.each([
    [0.5, 0.05],
    [0.7, 0.075],
    [0.95, 0.15],
  ])("q=%s → %s", (q, want) => expect(histogramQuantile(q, h)).toBeCloseTo(want));
  it("past the last finite bound → that bound; empty → null", () => {
    expect(
      histogramQuantile(0.99, [
        { le: 1, count: 1 },
        { le: Infinity, count: 10 },
      ]),
    ).toBe(1);
    expect(histogramQuantile(0.95, [{ le: Infinity, count: 0 }])).toBeNull();
  });
  it("deltas between scrapes; a counter reset takes the new counts whole", () => {
    const before = [
      { le: 1, count: 5 },
      { le: Infinity, count: 8 },
    ];
    expect(
      histogramDelta(before, [
        { le: 1, count: 7 },
        { le: Infinity, count: 12 },
      ]),
    ).toEqual([
      { le: 1, count: 2 },
      { le: Infinity, count: 4 },
    ]);
    expect(
      histogramDelta(before, [
        { le: 1, count: 1 },
        { le: Infinity, count: 1 },
      ]),
    ).toEqual([
      { le: 1, count: 1 },
      { le: Infinity, count: 1 },
    ]);
  });
});
