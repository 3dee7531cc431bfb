import { createServerlessPool } from "./simulate-serverless-pool.ts";
import {
  simulateTunaRouter,
  ZTunaTraceInput,
  type TTunaRouterRun,
  type TTunaTraceInput,
} from "./simulate-tuna-router.ts";
import { tunaCostFromRouteStats } from "@koi/catalog";

export type TTunaCostMode = "tuna" | "koi";

export type TTunaTraceCost = {
  mode: TTunaCostMode;
  components: { spot: number; serverless: number; router: number; total: number };
  baselines: { onDemand: number; serverless: number };
  savings: { vsOnDemand: number; vsServerless: number };
  run: TTunaRouterRun;
};

/**
 * Cost of serving a trace with Tuna's hybrid policy.
 *
 * `"tuna"` feeds the simulated router's `route_stats` to `tunaCostFromRouteStats`, i.e. what
 * `tuna cost` would print. `"koi"` is what the clouds bill:
 * - spot: per replica, from the provisioning request until preemption / release, × gpuCount — a
 *   booting or idle-but-not-yet-released replica is billed although the router is not `ready`;
 * - serverless: per worker and per GPU, from worker start (cold start included) until the idle
 *   window after its last request closes, rounded up to the billing increment — not the average
 *   spot request time (which ignores cold starts, queueing and idle windows);
 * - router: the same flat rate as Tuna, over the horizon;
 * - baselines: one on-demand replica always on, and the same trace served by the serverless pool
 *   alone with the same exact billing.
 */
export function costTunaTrace(input: TTunaTraceInput, mode: TTunaCostMode): TTunaTraceCost {
  const cfg = ZTunaTraceInput.parse(input);
  const run = simulateTunaRouter(cfg);
  if (mode === "tuna") {
    const perHour = 3600;
    const report = tunaCostFromRouteStats(
      run.routeStats,
      {
        serverlessPerGpuHour: cfg.serverless.pricePerGpuSecond * perHour,
        spotPerGpuHour: (cfg.spot?.pricePerGpuSecond ?? 0) * perHour,
        onDemandPerGpuHour: cfg.onDemandPricePerGpuSecond * perHour,
      },
      { gpuCount: cfg.gpuCount, colocated: cfg.router.colocated },
    );
    return {
      mode,
      components: {
        spot: report.actualSpot,
        serverless: report.actualServerless,
        router: report.actualRouter,
        total: report.actualTotal,
      },
      baselines: { onDemand: report.allOnDemand, serverless: report.allServerless },
      savings: { vsOnDemand: report.savingsVsOnDemand, vsServerless: report.savingsVsServerless },
      run,
    };
  }

  const spotSeconds = run.spotReplicas.reduce((s, life) => s + (life.endedAt - life.provisionedAt), 0);
  const spot = spotSeconds * cfg.gpuCount * (cfg.spot?.pricePerGpuSecond ?? 0);
  const serverless = run.serverless.billedWorkerSeconds * cfg.gpuCount * cfg.serverless.pricePerGpuSecond;
  const router = (cfg.horizonSeconds / 3600) * (cfg.router.colocated ? 0 : cfg.router.pricePerHour);
  const total = spot + serverless + router;

  const alone = createServerlessPool(cfg.serverless);
  for (const r of [...cfg.requests].sort((a, b) => a.arrival - b.arrival)) alone.serve(r.arrival, r.serviceSeconds);
  const baselineServerless =
    alone.close(cfg.horizonSeconds).billedWorkerSeconds * cfg.gpuCount * cfg.serverless.pricePerGpuSecond;
  const baselineOnDemand = cfg.horizonSeconds * cfg.gpuCount * cfg.onDemandPricePerGpuSecond;
  return {
    mode,
    components: { spot, serverless, router, total },
    baselines: { onDemand: baselineOnDemand, serverless: baselineServerless },
    savings: { vsOnDemand: baselineOnDemand - total, vsServerless: baselineServerless - total },
    run,
  };
}
