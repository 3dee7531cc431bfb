import { Counter, Gauge, Histogram, Registry } from "prom-client";

/*
 * The metrics a vLLM OpenAI server exposes on /metrics, under vLLM's names and bucket bounds (V1
 * engine: `kv_cache_usage_perc`, `inter_token_latency_seconds`), for one simulated backend.
 */
const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560,
];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
const E2E_BUCKETS = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];

export type TFinishedRequest = { promptTokens: number; outputTokens: number; ttftS: number; tpotS: number };

export class VllmMetrics {
  readonly registry = new Registry();
  private readonly labels: { model_name: string; engine: string };
  private readonly running: Gauge;
  private readonly waiting: Gauge;
  private readonly kv: Gauge;
  private readonly prompt: Counter;
  private readonly generation: Counter;
  private readonly success: Counter;
  private readonly ttft: Histogram;
  private readonly itl: Histogram;
  private readonly e2e: Histogram;

  constructor(model: string) {
    this.labels = { model_name: model, engine: "0" };
    const labelNames = ["model_name", "engine"] as const;
    const registers = [this.registry];
    this.running = new Gauge({
      name: "vllm:num_requests_running",
      help: "Requests in model execution batches.",
      labelNames,
      registers,
    });
    this.waiting = new Gauge({
      name: "vllm:num_requests_waiting",
      help: "Requests waiting to be processed.",
      labelNames,
      registers,
    });
    this.kv = new Gauge({
      name: "vllm:kv_cache_usage_perc",
      help: "KV-cache usage. 1 means 100 percent usage.",
      labelNames,
      registers,
    });
    this.prompt = new Counter({
      name: "vllm:prompt_tokens_total",
      help: "Prefill tokens processed.",
      labelNames,
      registers,
    });
    this.generation = new Counter({
      name: "vllm:generation_tokens_total",
      help: "Generation tokens processed.",
      labelNames,
      registers,
    });
    this.success = new Counter({
      name: "vllm:request_success_total",
      help: "Successfully processed requests.",
      labelNames: [...labelNames, "finished_reason"],
      registers,
    });
    this.ttft = new Histogram({
      name: "vllm:time_to_first_token_seconds",
      help: "Time to first token in seconds.",
      labelNames,
      buckets: TTFT_BUCKETS,
      registers,
    });
    this.itl = new Histogram({
      name: "vllm:inter_token_latency_seconds",
      help: "Inter-token latency in seconds.",
      labelNames,
      buckets: ITL_BUCKETS,
      registers,
    });
    this.e2e = new Histogram({
      name: "vllm:e2e_request_latency_seconds",
      help: "End to end request latency in seconds.",
      labelNames,
      buckets: E2E_BUCKETS,
      registers,
    });
    for (const g of [this.running, this.waiting, this.kv]) g.set(this.labels, 0);
    // prometheus_client's process collector on a real vLLM: readers tell one server process from
    // another by it (SkyServe answers each read from any one replica).
    new Gauge({
      name: "process_start_time_seconds",
      help: "Start time of the process since unix epoch in seconds.",
      registers,
    }).set(Date.now() / 1000);
  }

  finished(r: TFinishedRequest): void {
    this.prompt.inc(this.labels, r.promptTokens);
    this.generation.inc(this.labels, r.outputTokens);
    this.success.inc({ ...this.labels, finished_reason: "length" });
    this.ttft.observe(this.labels, r.ttftS);
    // vLLM observes every gap between tokens; one observation per request at its mean gap keeps the
    // p95 of a request's TPOT, which is what the SLO is written on.
    this.itl.observe(this.labels, r.tpotS);
    this.e2e.observe(this.labels, r.ttftS + Math.max(0, r.outputTokens - 1) * r.tpotS);
  }

  state(s: { running: number; waiting: number; kvCacheUsage: number }): void {
    this.running.set(this.labels, s.running);
    this.waiting.set(this.labels, s.waiting);
    this.kv.set(this.labels, Math.min(1, Math.max(0, s.kvCacheUsage)));
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  contentType(): string {
    return this.registry.contentType;
  }
}
