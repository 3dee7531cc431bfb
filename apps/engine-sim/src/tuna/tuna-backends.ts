import type { IncomingMessage, ServerResponse } from "node:http";
import type { TTunaScalingPolicyWire } from "@koi/contracts";
import { latencyAtRate, profileReplica } from "@koi/planner";
import type { TRandom } from "@koi/planner/random/seeded-random";
import type { TTunaSimConfig } from "../config.ts";
import { readJson, sendJson } from "../http-kit.ts";
import type { TSimClock } from "../sim-clock.ts";
import { SpotService, type TServingUnit } from "./tuna-spot-service.ts";
import { VllmMetrics } from "./vllm-metrics.ts";

/*
 * The spot services (SkyServe services under Tuna's scaling policy: the deployment's own and any
 * variants on other GPU types) and the serverless pool behind the simulated Tuna router, served on
 * the router's own port under /_sim/spot, /_sim/skyserve/<gpuType> and /_sim/serverless so the
 * router really proxies over HTTP. Latency comes from the planner's performance model at the
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
  /** The deployment's own spot service first, then the variants on other GPU types. */
  readonly spotServices: readonly SpotService[];
  readonly serverless: TServingUnit;
  serverlessPolicy: TTunaScalingPolicyWire["serverless"];
  lastServerlessAt = -Infinity;
  coldStarts = 0;
  private readonly routerSpotUrl: () => string;

  constructor(
    private readonly config: TTunaSimConfig,
    private readonly clock: TSimClock,
    private readonly random: TRandom,
    /** The simulator's Tuna URL (the services' base URLs hang off it) and the router's current spot URL. */
    urls: { tunaUrl: string; spotUrl: () => string },
  ) {
    const policy = defaultScalingPolicy(config);
    const own = new SpotService(
      config.gpuType,
      config.gpuCount,
      `${urls.tunaUrl}/_sim/spot`,
      policy.spot,
      config,
      random.fork("spot-pool"),
    );
    // Variants start scaled to zero whatever the deployment's floor: they are standbys that cost
    // nothing until Koi applies a policy to one it is switching to.
    const variants = config.spotServices.map(
      (s) =>
        new SpotService(
          s.gpuType,
          s.gpuCount,
          `${urls.tunaUrl}/_sim/skyserve/${encodeURIComponent(s.gpuType)}`,
          { ...policy.spot, min_replicas: 0 },
          config,
          random.fork(`spot-pool-${s.gpuType}`),
        ),
    );
    this.spotServices = [own, ...variants];
    this.routerSpotUrl = urls.spotUrl;
    this.serverlessPolicy = policy.serverless;
    this.serverless = {
      gpuType: config.gpuType,
      gpuCount: config.gpuCount,
      metrics: new VllmMetrics(config.model),
      backlog: 0,
    };
  }

  get ownSpot(): SpotService {
    return this.spotServices[0]!;
  }

  /** The service the router's spot URL points at; the deployment's own when it points elsewhere. */
  activeSpot(): SpotService {
    const url = this.routerSpotUrl();
    return this.spotServices.find((s) => s.servesUrl(url)) ?? this.ownSpot;
  }

  spotService(gpuType: string): SpotService | undefined {
    return this.spotServices.find((s) => s.gpuType === gpuType);
  }

  /** The unit a backend's requests land on now: the active spot service, or the serverless pool. */
  unit(backend: TBackend): TServingUnit {
    return backend === "spot" ? this.activeSpot() : this.serverless;
  }

  get preemptions(): number {
    return this.spotServices.reduce((sum, s) => sum + s.pool.preemptions, 0);
  }

  policy(service: SpotService = this.ownSpot): TTunaScalingPolicyWire {
    return { spot: service.pool.policy, serverless: this.serverlessPolicy };
  }

  setPolicy(policy: TTunaScalingPolicyWire, service: SpotService = this.ownSpot): void {
    service.pool.setPolicy(policy.spot, this.clock.now());
    this.serverlessPolicy = policy.serverless;
  }

  spotReady(now: number): boolean {
    return this.activeSpot().pool.ready(now) > 0;
  }

  /** Requests reaching the active spot service's SkyServe load balancer. */
  record(now: number, n = 1): void {
    this.activeSpot().pool.record(now, n);
  }

  /** The profile of one replica (or serverless worker) of `unit` for a request shape. */
  private profile(unit: TServingUnit, inputTokens: number, outputTokens: number) {
    return profileReplica({
      model: this.config.model,
      gpu: unit.gpuType,
      tp: unit.gpuCount,
      inputTokens,
      outputTokens,
    });
  }

  /**
   * p95 TTFT/TPOT (s) of a backend ("spot" = the active spot service) or one unit carrying `rps`,
   * with the queue beyond its capacity growing or draining over `dt` seconds; also sets the unit's
   * running/waiting/KV gauges.
   */
  load(
    backend: TBackend | TServingUnit,
    rps: number,
    dt: number,
    shape: { inputTokens: number; outputTokens: number },
  ) {
    const unit = typeof backend === "string" ? this.unit(backend) : backend;
    const profile = this.profile(unit, shape.inputTokens, shape.outputTokens);
    const now = this.clock.now();
    const maxBatch = profile.fits ? profile.batch.at(-1)! : 1;
    const spot = unit instanceof SpotService;
    const units = spot
      ? unit.pool.ready(now)
      : Math.max(1, Math.min(this.serverlessPolicy.workers_max, Math.ceil(rps / this.workerCapacity(profile))));
    const capacity = units * (spot ? (profile.rps.at(-1) ?? 1) : this.workerCapacity(profile));
    unit.backlog = Math.max(0, unit.backlog + (rps - capacity) * dt);
    const perUnit = Math.min(rps, capacity) / Math.max(1, units);
    const fallback = { ttftP95Ms: 200, tpotP95Ms: 30, concurrency: 0 };
    const at = profile.fits && units > 0 ? latencyAtRate(profile, perUnit) : fallback;
    // At capacity the model's queue is unbounded: the full batch's latency, plus the backlog's wait.
    const l = {
      concurrency: Number.isFinite(at.concurrency) ? at.concurrency : maxBatch,
      ttftP95Ms: Number.isFinite(at.ttftP95Ms) ? at.ttftP95Ms : (profile.ttftP95Ms.at(-1) ?? 1000),
      tpotP95Ms: Number.isFinite(at.tpotP95Ms) ? at.tpotP95Ms : (profile.tpotP95Ms.at(-1) ?? 100),
    };
    const waitS = capacity > 0 ? unit.backlog / capacity : 0;
    unit.metrics.state({
      running: l.concurrency * Math.max(1, units),
      waiting: unit.backlog,
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
    unit: TServingUnit,
    extraSeconds: number,
  ): Promise<void> {
    const body = ((await readJson(req).catch(() => undefined)) ?? {}) as {
      model?: string;
      prompt?: string;
      max_tokens?: number;
    };
    const promptTokens = Math.max(1, Math.round(String(body.prompt ?? "").length / 4));
    const outputTokens = Math.max(1, Math.min(4096, body.max_tokens ?? 16));
    const latency = this.draw(this.load(unit, 0, 0, { inputTokens: 512, outputTokens: 128 }), extraSeconds);
    const seconds = latency.ttftS + outputTokens * latency.tpotS;
    await new Promise((resolve) => setTimeout(resolve, this.clock.realMs(seconds)));
    if (unit instanceof SpotService && unit.pool.ready(this.clock.now()) === 0) {
      // Preempted mid-request: the connection drops, as a reclaimed VM's would.
      res.destroy();
      return;
    }
    unit.metrics.finished({ promptTokens, outputTokens, ...latency });
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
      { "x-koi-sim-backend": unit instanceof SpotService ? "spot" : "serverless" },
    );
  }

  /** A request to one spot service's SkyServe load balancer, or to the serverless pool. */
  async handle(req: IncomingMessage, res: ServerResponse, unit: TServingUnit, path: string): Promise<void> {
    const now = this.clock.now();
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": unit.metrics.contentType() });
      return void res.end(await unit.metrics.text());
    }
    if (unit instanceof SpotService) {
      unit.pool.record(now);
      if (unit.pool.ready(now) === 0) return sendJson(res, 503, { detail: "No ready replicas" });
    }
    if (path === "/health") return sendJson(res, 200, { status: "ok" });
    if (path === "/v1/models")
      return sendJson(res, 200, { object: "list", data: [{ id: this.config.model, object: "model" }] });
    return this.complete(req, res, unit, unit instanceof SpotService ? 0 : this.serverlessColdStart(now));
  }
}
