import type { IncomingMessage, ServerResponse } from "node:http";
import { predictPerformance } from "@koi/planner";
import type { TRandom } from "@koi/planner/random/seeded-random";
import type { TTunaSimConfig } from "../config.ts";
import { readJson, sendJson } from "../http-kit.ts";
import type { TSimClock } from "../sim-clock.ts";

/*
 * The spot pool (a SkyServe service scaled 0↔1) and the serverless pool behind the simulated Tuna
 * router, served on the router's own port under /_sim/spot and /_sim/serverless so the router
 * really proxies over HTTP. Service time comes from the planner's TTFT/TPOT prediction.
 */

type TSpotReplica = { provisionedAt: number; readyAt: number; preemptAt: number; releasedAt: number | null };

export class TunaBackends {
  spot: TSpotReplica | null = null;
  lastSpotTraffic = 0;
  lastServerlessAt = -Infinity;
  preemptions = 0;
  coldStarts = 0;
  private readonly perf: { ttftMs: number; tpotMs: number };

  constructor(
    private readonly config: TTunaSimConfig,
    private readonly clock: TSimClock,
    private readonly random: TRandom,
  ) {
    const perf = predictPerformance({
      model: config.model,
      gpu: config.gpuType,
      tp: config.gpuCount,
      inputTokens: 512,
      outputTokens: 128,
      batch: 8,
    });
    this.perf = { ttftMs: perf.fits ? perf.ttftMs : 200, tpotMs: perf.fits ? perf.tpotMs : 30 };
  }

  /** The spot replica's state now; SkyServe provisions one on demand (pokes count as demand). */
  spotReady(now: number): boolean {
    this.expireSpot(now);
    return this.spot !== null && now >= this.spot.readyAt;
  }

  private expireSpot(now: number): void {
    const spot = this.spot;
    if (!spot) return;
    if (now >= spot.preemptAt) {
      this.preemptions += 1;
      this.spot = null;
      return;
    }
    const idleSince = Math.max(this.lastSpotTraffic, spot.readyAt);
    if (now >= spot.readyAt && now - idleSince > this.config.downscaleDelaySeconds) this.spot = null;
  }

  private demandSpot(now: number): void {
    this.expireSpot(now);
    if (this.spot) return;
    const rate = this.config.spotPreemptionPerHour / 3600;
    const readyAt = now + this.config.spotProvisionSeconds;
    this.spot = {
      provisionedAt: now,
      readyAt,
      preemptAt: rate > 0 ? readyAt + this.random.exponential(rate) : Infinity,
      releasedAt: null,
    };
  }

  private serviceSeconds(outputTokens: number): number {
    return (this.perf.ttftMs + outputTokens * this.perf.tpotMs) / 1000;
  }

  private async complete(
    req: IncomingMessage,
    res: ServerResponse,
    backend: "spot" | "serverless",
    extraSeconds: number,
  ): Promise<void> {
    const body = ((await readJson(req).catch(() => undefined)) ?? {}) as {
      model?: string;
      prompt?: string;
      max_tokens?: number;
    };
    const promptTokens = Math.max(1, Math.round(String(body.prompt ?? "").length / 4));
    const outputTokens = Math.max(1, Math.min(4096, body.max_tokens ?? 16));
    const seconds = extraSeconds + this.serviceSeconds(outputTokens);
    await new Promise((resolve) => setTimeout(resolve, this.clock.realMs(seconds)));
    if (backend === "spot" && this.spot === null) {
      // Preempted mid-request: the connection drops, as a reclaimed VM's would.
      res.destroy();
      return;
    }
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

  async handle(req: IncomingMessage, res: ServerResponse, backend: "spot" | "serverless", path: string): Promise<void> {
    const now = this.clock.now();
    if (backend === "spot") {
      this.demandSpot(now);
      if (!this.spotReady(now)) return sendJson(res, 503, { detail: "No ready replicas" });
      if (path === "/health") return sendJson(res, 200, { status: "ok" });
      if (path === "/v1/models")
        return sendJson(res, 200, { object: "list", data: [{ id: this.config.model, object: "model" }] });
      this.lastSpotTraffic = now;
      return this.complete(req, res, "spot", 0);
    }
    if (path === "/health") return sendJson(res, 200, { status: "ok" });
    if (path === "/v1/models")
      return sendJson(res, 200, { object: "list", data: [{ id: this.config.model, object: "model" }] });
    const cold = now - this.lastServerlessAt > this.config.serverlessScaledownWindowSeconds;
    if (cold) this.coldStarts += 1;
    this.lastServerlessAt = now;
    return this.complete(req, res, "serverless", cold ? this.config.serverlessColdStartSeconds : 0);
  }
}
