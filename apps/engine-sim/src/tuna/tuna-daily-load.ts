import type { TRandom } from "@koi/planner/random/seeded-random";
import type { TTunaSimConfig } from "../config.ts";
import type { TBackend, TunaBackends } from "./tuna-backends.ts";
import type { TunaRouter } from "./tuna-router.ts";

type TDailyLoad = NonNullable<TTunaSimConfig["dailyLoad"]>;

/** The request rate of the curve at `hour` of its day: a cosine from trough to peak. */
export function dailyRate(load: TDailyLoad, hour: number): number {
  const phase = (2 * Math.PI * (hour - load.peakHour)) / 24;
  return load.troughRps + ((load.peakRps - load.troughRps) * (1 + Math.cos(phase))) / 2;
}

/**
 * A day of chat traffic inside the simulator, stepped on every tick: Poisson arrivals at the
 * curve's rate, routed the way Tuna's router routes (spot while it is ready, else serverless),
 * counted in its route stats, fed to SkyServe's autoscaler as QPS and served at the latency the
 * performance model gives the backend under that load — which is what its vLLM /metrics show.
 */
export class TunaDailyLoad {
  private last: number;
  private readonly startedAt: number;

  constructor(
    private readonly load: TDailyLoad,
    private readonly router: TunaRouter,
    private readonly backends: TunaBackends,
    private readonly random: TRandom,
    now: number,
  ) {
    this.last = now;
    this.startedAt = now;
  }

  rateAt(now: number): number {
    return dailyRate(this.load, (this.load.startHour + (now - this.startedAt) / 3600) % 24);
  }

  advance(now: number): void {
    const dt = now - this.last;
    if (dt <= 0) return;
    this.last = now;
    const rps = this.rateAt(now);
    const n = this.random.poisson(rps * dt);
    let backend: TBackend | null = this.router.choose(now, n > 0);
    if (backend === "spot" && !this.backends.spotReady(now)) {
      // The last spot replica is gone: the router's request fails over, and spot goes cold.
      this.router.spotFailed("spot connection error");
      backend = this.router.choose(now, n > 0);
    }
    const shape = { inputTokens: this.load.avgInputTokens, outputTokens: this.load.avgOutputTokens };
    // "spot" is the service the router's spot URL points at; every other unit drains idle.
    const unit = backend ? this.backends.unit(backend) : null;
    for (const u of [...this.backends.spotServices, this.backends.serverless]) {
      if (u !== unit) this.backends.load(u, 0, dt, shape);
    }
    if (!backend || !unit || n === 0) return;
    if (backend === "spot") this.backends.record(now, n);
    const p95 = this.backends.load(unit, rps, dt, shape);
    const cold = backend === "serverless" ? this.backends.serverlessColdStart(now) : 0;
    let busySeconds = 0;
    for (let i = 0; i < n; i++) {
      // A cold start delays the requests that arrive before the worker is up.
      const wait = Math.max(0, cold - this.random.uniform(0, dt));
      const r = this.backends.draw(p95, wait);
      const outputTokens = Math.max(1, Math.round(this.random.logNormal(shape.outputTokens, 0.3)));
      const promptTokens = Math.max(1, Math.round(this.random.logNormal(shape.inputTokens, 0.3)));
      unit.metrics.finished({ promptTokens, outputTokens, ...r });
      busySeconds += r.ttftS + (outputTokens - 1) * r.tpotS;
    }
    this.router.counted(backend, n, busySeconds);
  }
}
