import type { IncomingMessage, ServerResponse } from "node:http";
import type { TTunaScalingPolicyWire } from "@koi/contracts";
import { latencyAtRate, profileReplica } from "@koi/planner";
import type { TRandom } from "@koi/planner/random/seeded-random";
import type { TTunaSimConfig } from "../config.ts";
import { readJson, sendJson } from "../http-kit.ts";
import type { TSimClock } from "../sim-clock.ts";
import { SpotPool } from "./tuna-spot-pool.ts";
import { VllmMetrics } from "./vllm-metrics.ts";

/*
 * The spot pool (a SkyServe service under Tuna's scaling policy) and the serverless pool behind the
 * simulated Tuna router, served on the router's own port under /_sim/spot and /_sim/serverless so
 * the router really proxies over HTTP. Latency comes from the planner's performance model at the
 * load each backend carries; each backend serves vLLM's /metrics.
 */

export type TBackend = "spot" | "serverless";
/** Log-normal spread of single requests around the model's p95 (TTFT varies more than TPOT). */
const SPREAD = { ttft: 0.35, tpot: 0.15 };
const Z95 = 1.6448536269514722;

export function defaultScalingPolicy(config: TTunaSimConfig): TTunaScalingPolicyWire {
  return (
    config.scalingPolicy ?? {
      spot: {
        min_replicas: 0,
        max_replicas: 5,
        target_qps: 10,
        upscale_delay: config.upscaleDelaySeconds,
        downscale_delay: config.downscaleDelaySeconds,
      },
      serverless: {
        concurrency: 32,
        scaledown_window: config.serverlessScaledownWindowSeconds,
        workers_min: 0,
        workers_max: 1,
      },
    }
  );
}

export class TunaBackends {
  readonly pool: SpotPool;
  serverlessPolicy: TTunaScalingPolicyWire["serverless"];
  lastServerlessAt = -Infinity;
  coldStarts = 0;
  readonly metrics: Record<TBackend, VllmMetrics>;
  /** Requests queued beyond what the backend's replicas can take (the vLLM waiting queue). */
  readonly backlog: Record<TBackend, number> = { spot: 0, serverless: 0 };

  constructor(
    private readonly config: TTunaSimConfig,
    private readonly clock: TSimClock,
    private readonly random: TRandom,
  ) {
    const policy = defaultScalingPolicy(config);
    this.pool = new SpotPool(
      policy.spot,
      { provisionSeconds: config.spotProvisionSeconds, preemptionPerHour: config.spotPreemptionPerHour },
      random.fork("spot-pool"),
    );
    this.serverlessPolicy = policy.serverless;
    this.metrics = { spot: new VllmMetrics(config.model), serverless: new VllmMetrics(config.model) };
  }

  get preemptions(): number {
    return this.pool.preemptions;
  }

  policy(): TTunaScalingPolicyWire {
    return { spot: this.pool.policy, serverless: this.serverlessPolicy };
  }

  setPolicy(policy: TTunaScalingPolicyWire): void {
    this.pool.setPolicy(policy.spot, this.clock.now());
    this.serverlessPolicy = policy.serverless;
  }

  spotReady(now: number): boolean {
    return this.pool.ready(now) > 0;
  }

  /** The profile of one replica (or serverless worker) for a request shape. */
  private profile(inputTokens: number, outputTokens: number) {
    return profileReplica({
      model: this.config.model,
      gpu: this.config.gpuType,
      tp: this.config.gpuCount,
      inputTokens,
      outputTokens,
    });
  }

  /**
   * p95 TTFT/TPOT (s) of `backend` carrying `rps`, with the queue beyond its capacity growing or
   * draining over `dt` seconds; also sets the backend's running/waiting/KV gauges.
   */
  load(backend: TBackend, rps: number, dt: number, shape: { inputTokens: number; outputTokens: number }) {
    const profile = this.profile(shape.inputTokens, shape.outputTokens);
    const now = this.clock.now();
    const maxBatch = profile.fits ? profile.batch.at(-1)! : 1;
    const units =
      backend === "spot"
        ? this.pool.ready(now)
        : Math.max(1, Math.min(this.serverlessPolicy.workers_max, Math.ceil(rps / this.workerCapacity(profile))));
    const capacity = units * (backend === "spot" ? (profile.rps.at(-1) ?? 1) : this.workerCapacity(profile));
    this.backlog[backend] = Math.max(0, this.backlog[backend] + (rps - capacity) * dt);
    const perUnit = Math.min(rps, capacity) / Math.max(1, units);
    const fallback = { ttftP95Ms: 200, tpotP95Ms: 30, concurrency: 0 };
    const at = profile.fits && units > 0 ? latencyAtRate(profile, perUnit) : fallback;
    // At capacity the model's queue is unbounded: the full batch's latency, plus the backlog's wait.
    const l = {
      concurrency: Number.isFinite(at.concurrency) ? at.concurrency : maxBatch,
      ttftP95Ms: Number.isFinite(at.ttftP95Ms) ? at.ttftP95Ms : (profile.ttftP95Ms.at(-1) ?? 1000),
      tpotP95Ms: Number.isFinite(at.tpotP95Ms) ? at.tpotP95Ms : (profile.tpotP95Ms.at(-1) ?? 100),
    };
    const waitS = capacity > 0 ? this.backlog[backend] / capacity : 0;
    this.metrics[backend].state({
      running: l.concurrency * Math.max(1, units),
      waiting: this.backlog[backend],
      kvCacheUsage: l.concurrency / maxBatch,
    });
    return { ttftS: l.ttftP95Ms / 1000 + waitS, tpotS: l.tpotP95Ms / 1000 };
  }

  /** Requests/s one serverless worker takes at `serverless.concurrency` requests in flight. */
  private workerCapacity(profile: ReturnType<typeof profileReplica>): number {
    if (!profile.fits) return 1;
    const b = Math.min(this.serverlessPolicy.concurrency, profile.batch.at(-1)!);
    const i = profile.batch.findIndex((x) => x >= b);
    return profile.rps[i < 0 ? profile.rps.length - 1 : i]!;
  }

  /** One finished request at the backend's p95 latencies, spread as single requests are. */
  draw(p95: { ttftS: number; tpotS: number }, extraS = 0): { ttftS: number; tpotS: number } {
    return {
      ttftS: extraS + this.random.logNormal(p95.ttftS / Math.exp(Z95 * SPREAD.ttft), SPREAD.ttft),
      tpotS: this.random.logNormal(p95.tpotS / Math.exp(Z95 * SPREAD.tpot), SPREAD.tpot),
    };
  }

  /** Serverless workers idle past the scale-down window cold-start again. */
  serverlessColdStart(now: number): number {
    const cold = now - this.lastServerlessAt > this.serverlessPolicy.scaledown_window;
    this.lastServerlessAt = now;
    if (!cold) return 0;
    this.coldStarts += 1;
    return this.config.serverlessColdStartSeconds;
  }

  private async complete(
    req: IncomingMessage,
    res: ServerResponse,
    backend: TBackend,
    extraSeconds: number,
  ): Promise<void> {
    const body = ((await readJson(req).catch(() => undefined)) ?? {}) as {
      model?: string;
      prompt?: string;
      max_tokens?: number;
    };
    const promptTokens = Math.max(1, Math.round(String(body.prompt ?? "").length / 4));
    const outputTokens = Math.max(1, Math.min(4096, body.max_tokens ?? 16));
    const latency = this.draw(this.load(backend, 0, 0, { inputTokens: 512, outputTokens: 128 }), extraSeconds);
    const seconds = latency.ttftS + outputTokens * latency.tpotS;
    await new Promise((resolve) => setTimeout(resolve, this.clock.realMs(seconds)));
    if (backend === "spot" && !this.spotReady(this.clock.now())) {
      // Preempted mid-request: the connection drops, as a reclaimed VM's would.
      res.destroy();
      return;
    }
    this.metrics[backend].finished({ promptTokens, outputTokens, ...latency });
    sendJson(
      res,
      200,
      {
        id: `cmpl-sim-${this.random.int(0, 0xffffff).toString(16)}`,
        object: "text_completion",
        created: Math.floor(this.clock.now()),
        model: body.model ?? this.config.model,
        choices: [
          { index: 0, text: " simulated".repeat(Math.min(outputTokens, 8)), finish_reason: "length", logprobs: null },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: outputTokens,
          total_tokens: promptTokens + outputTokens,
        },
      },
      { "x-koi-sim-backend": backend },
    );
  }

  async handle(req: IncomingMessage, res: ServerResponse, backend: TBackend, path: string): Promise<void> {
    const now = this.clock.now();
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": this.metrics[backend].contentType() });
      return void res.end(await this.metrics[backend].text());
    }
    if (backend === "spot") {
      this.pool.record(now);
      if (!this.spotReady(now)) return sendJson(res, 503, { detail: "No ready replicas" });
      if (path === "/health") return sendJson(res, 200, { status: "ok" });
      if (path === "/v1/models")
        return sendJson(res, 200, { object: "list", data: [{ id: this.config.model, object: "model" }] });
      return this.complete(req, res, "spot", 0);
    }
    if (path === "/health") return sendJson(res, 200, { status: "ok" });
    if (path === "/v1/models")
      return sendJson(res, 200, { object: "list", data: [{ id: this.config.model, object: "model" }] });
    return this.complete(req, res, "serverless", this.serverlessColdStart(now));
  }
}
