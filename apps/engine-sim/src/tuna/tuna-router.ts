import type { IncomingMessage, ServerResponse } from "node:http";
import type { TTunaSimConfig } from "../config.ts";
import { readBody, sendJson, sendText } from "../http-kit.ts";
import type { TSimClock } from "../sim-clock.ts";

/*
 * Tuna's meta load balancer (ENGINE_CONTRACTS D.1): spot state machine cold → warming → ready,
 * route stats, and a proxy that retries once on serverless after a spot failure. Durations
 * (gpu_seconds, uptime, spot_ready_seconds) are simulated seconds.
 */

export type TSpotState = "cold" | "warming" | "ready";
const WINDOW = 200;
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
]);

export class TunaRouter {
  state: TSpotState = "cold";
  serverlessUrl: string;
  spotUrl: string;
  serverlessToken = "";
  spotReplicas = 0;
  lastProbeTs: number | null = null;
  lastProbeErr = false;
  readonly startedAt: number;
  readonly stats = { total: 0, spot: 0, serverless: 0, rejected: 0, gpuSecondsSpot: 0, gpuSecondsServerless: 0 };
  readonly transitions: { at: number; from: TSpotState; to: TSpotState; why: string }[] = [];
  private window: ("spot" | "serverless")[] = [];
  private readySince: number | null = null;
  private readyAccumulated = 0;
  private warmingSince = 0;
  private lastTraffic: number | null = null;
  private inFlight = 0;
  private pokeTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly config: TTunaSimConfig,
    private readonly clock: TSimClock,
    backends: { serverlessUrl: string; spotUrl: string },
  ) {
    this.serverlessUrl = backends.serverlessUrl;
    this.spotUrl = backends.spotUrl;
    this.startedAt = clock.now();
    // Warming starts at router startup when a spot URL is set.
    if (this.spotUrl) this.transition("warming", "startup with spot URL");
  }

  private transition(to: TSpotState, why: string, error = false): void {
    const now = this.clock.now();
    if (this.state === to) return;
    if (this.state === "ready" && this.readySince !== null) this.readyAccumulated += now - this.readySince;
    this.transitions.push({ at: now, from: this.state, to, why });
    this.state = to;
    this.lastProbeTs = now;
    this.lastProbeErr = error;
    this.readySince = to === "ready" ? now : null;
    if (to === "warming") {
      this.warmingSince = now;
      this.schedulePoke();
    }
  }

  private schedulePoke(): void {
    if (this.closed || this.pokeTimer) return;
    this.pokeTimer = setTimeout(
      () => {
        this.pokeTimer = null;
        void this.poke();
      },
      Math.max(5, this.clock.realMs(this.config.upscaleDelaySeconds)),
    );
    this.pokeTimer.unref?.();
  }

  private async poke(): Promise<void> {
    if (this.state !== "warming" || this.closed) return;
    if (this.clock.now() - this.warmingSince > this.config.warmupTimeoutSeconds)
      return this.transition("cold", "warm-up timeout", true);
    const base = this.spotUrl.replace(/\/+$/, "");
    try {
      await fetch(`${base}/health`, { signal: AbortSignal.timeout(500) }).then((r) => r.arrayBuffer());
      const models = await fetch(`${base}/v1/models`, { signal: AbortSignal.timeout(5000) });
      await models.arrayBuffer();
      if (models.ok && this.state === "warming") return this.transition("ready", "spot /v1/models answered 2xx");
      this.lastProbeTs = this.clock.now();
    } catch {
      this.lastProbeTs = this.clock.now();
    }
    this.schedulePoke();
  }

  /**
   * The backend a request arriving now goes to, as `proxy` chooses it (idle timeout first; a
   * request sent to serverless while spot is cold starts warming); null when none is configured.
   */
  choose(now: number, traffic: boolean): "spot" | "serverless" | null {
    if (!traffic) return this.state === "ready" && this.spotUrl ? "spot" : this.serverlessUrl ? "serverless" : null;
    if (
      this.state === "ready" &&
      this.lastTraffic !== null &&
      now - this.lastTraffic > this.config.downscaleDelaySeconds
    )
      this.transition("cold", "idle timeout");
    this.lastTraffic = now;
    if (this.state === "ready" && this.spotUrl) return "spot";
    if (!this.serverlessUrl) return null;
    if (this.state === "cold" && this.spotUrl) this.transition("warming", "request routed to serverless");
    return "serverless";
  }

  spotFailed(why: string): void {
    this.transition("cold", why, true);
  }

  /** Requests served by the simulator's own load (not proxied): counted as routed ones are. */
  counted(backend: "spot" | "serverless", n: number, busySeconds: number): void {
    for (let i = 0; i < n; i++) this.count(backend);
    if (backend === "spot") this.stats.gpuSecondsSpot += busySeconds;
    else this.stats.gpuSecondsServerless += busySeconds;
  }

  setSpotReplicas(replicas: number): void {
    this.spotReplicas = replicas;
    if (replicas === 0 && this.state === "ready") this.transition("cold", "spot-replicas reported 0");
    else if (replicas > 0 && this.state !== "ready") this.transition("ready", `spot-replicas reported ${replicas}`);
  }

  routeStats() {
    const now = this.clock.now();
    const { total, spot, serverless } = this.stats;
    const gpuSecondsScale = this.config.gpuSecondsUnit === "nanoseconds" ? 1e9 : 1;
    const pct = (n: number) => (total > 0 ? (100 * n) / total : 0);
    return {
      total,
      spot,
      serverless,
      rejected: this.stats.rejected,
      pct_spot: pct(spot),
      pct_serverless: pct(serverless),
      window_total: this.window.length,
      window_spot: this.window.filter((b) => b === "spot").length,
      window_serverless: this.window.filter((b) => b === "serverless").length,
      gpu_seconds_spot: this.stats.gpuSecondsSpot * gpuSecondsScale,
      gpu_seconds_serverless: this.stats.gpuSecondsServerless * gpuSecondsScale,
      uptime_seconds: now - this.startedAt,
      spot_ready_seconds:
        this.readyAccumulated + (this.state === "ready" && this.readySince !== null ? now - this.readySince : 0),
    };
  }

  health() {
    return {
      skyserve_ready: this.state === "ready",
      spot_state: this.state,
      last_probe_ts: this.lastProbeTs,
      last_probe_err: this.lastProbeErr,
      serverless_base_url: this.serverlessUrl,
      skyserve_base_url: this.spotUrl,
      route_stats: this.routeStats(),
      // Not in Tuna's /router/health: the READY count replica_watcher.sh last pushed to
      // /router/spot-replicas, exposed by the simulator so reports can show the replicas.
      spot_replicas: this.spotReplicas,
      // Not in Tuna's either: says POST /router/scaling-policy is served (tuna-http.ts).
      koi_scaling_policy: true as const,
    };
  }

  private count(backend: "spot" | "serverless"): void {
    this.stats.total += 1;
    this.stats[backend] += 1;
    this.window.push(backend);
    if (this.window.length > WINDOW) this.window.shift();
  }

  private async forward(
    req: IncomingMessage,
    body: Buffer,
    backend: "spot" | "serverless",
    pathAndQuery: string,
  ): Promise<Response> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || name === this.config.apiKeyHeader.toLowerCase()) continue;
      if (name === "authorization" && backend === "serverless") continue;
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    if (backend === "serverless" && this.serverlessToken)
      headers.set("authorization", `Bearer ${this.serverlessToken}`);
    const base = (backend === "spot" ? this.spotUrl : this.serverlessUrl).replace(/\/+$/, "");
    const method = req.method ?? "GET";
    const started = this.clock.now();
    try {
      const response = await fetch(`${base}${pathAndQuery}`, {
        method,
        headers,
        body: method === "GET" || method === "HEAD" ? undefined : new Uint8Array(body),
        signal: AbortSignal.timeout(this.clock.realMs(210) + 10_000),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      return new Response(bytes, { status: response.status, headers: response.headers });
    } finally {
      const elapsed = this.clock.now() - started;
      if (backend === "spot") this.stats.gpuSecondsSpot += elapsed;
      else this.stats.gpuSecondsServerless += elapsed;
    }
  }

  /** Proxies an inference request: the router's own errors first, then spot or serverless. */
  async proxy(req: IncomingMessage, res: ServerResponse, authorised: boolean): Promise<void> {
    if (!this.serverlessUrl && !this.spotUrl) return sendJson(res, 503, { error: "No backends configured yet" });
    if (!authorised) return sendText(res, 401, "unauthorized");
    if (this.inFlight >= this.config.maxConcurrentRequests) {
      this.stats.rejected += 1;
      return sendJson(res, 429, { error: "router_overloaded", retry_after: 1 }, { "retry-after": "1" });
    }
    this.inFlight += 1;
    try {
      const backend = this.choose(this.clock.now(), true);
      const body = await readBody(req);
      const pathAndQuery = sanitize(req.url ?? "/");
      if (backend === "spot") {
        this.count("spot");
        try {
          const response = await this.forward(req, body, "spot", pathAndQuery);
          if (response.status < 500) return await pipe(res, response);
          this.transition("cold", `spot answered ${response.status}`, true);
        } catch {
          this.transition("cold", "spot connection error", true);
        }
        if (!this.serverlessUrl) return sendText(res, 502, "upstream_error");
      }
      if (!this.serverlessUrl) return sendJson(res, 503, { error: "Spot backend not ready, no serverless fallback" });
      if (this.state === "cold" && this.spotUrl) this.transition("warming", "request routed to serverless");
      this.count("serverless");
      try {
        return await pipe(res, await this.forward(req, body, "serverless", pathAndQuery));
      } catch {
        return sendText(res, 502, "upstream_error");
      }
    } finally {
      this.inFlight -= 1;
    }
  }

  close(): void {
    this.closed = true;
    if (this.pokeTimer) clearTimeout(this.pokeTimer);
  }
}

/** Drops scheme/host smuggled into the path and `.`/`..` segments, as the router does. */
function sanitize(raw: string): string {
  const url = new URL(raw, "http://router");
  const segments = url.pathname.split("/").filter((s) => s !== "" && s !== "." && s !== "..");
  return `/${segments.join("/")}${url.search}`;
}

async function pipe(res: ServerResponse, response: Response): Promise<void> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== "content-encoding") headers[name] = value;
  });
  res.writeHead(response.status, { ...headers, "content-length": String(bytes.length) });
  res.end(bytes);
}
