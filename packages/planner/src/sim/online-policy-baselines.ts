import { TP_DEGREES } from "@koi/catalog";
import type { TSustainedRate } from "../online/latency-at-rate.ts";
import type { TFleetTrace, TOnlineServiceSpec, TPoolSpec } from "./fleet-types.ts";
import type { TOnlinePolicyFactory, TServerlessConfig, TSpotPolicy } from "./online-week-types.ts";
import { fitSpotVariants } from "./fit-spot-variants.ts";
import { measuredRate } from "./measured-rate.ts";
import { peakLoad } from "./replica-throughput.ts";

/** The pool and TP with the lowest $ per in-SLO request/s among pools of `market`. */
export function cheapestVariant(
  spec: TOnlineServiceSpec,
  trace: TFleetTrace,
  market: TPoolSpec["market"],
): { pool: TPoolSpec; tp: number; rate: TSustainedRate } | null {
  let best: { pool: TPoolSpec; tp: number; rate: TSustainedRate } | null = null;
  for (const pool of trace.pools.filter((p) => p.market === market))
    for (const tp of TP_DEGREES) {
      const rate = measuredRate(spec, trace, pool.gpuType, tp);
      if (!rate) continue;
      const perRequest = (pool.pricePerGpuHour * tp) / rate.rps;
      if (!best || perRequest < (best.pool.pricePerGpuHour * best.tp) / best.rate.rps) best = { pool, tp, rate };
    }
  return best;
}

/** Serverless workers of the service's fallback GPU, at the TP cheapest per request, holding `fraction` of the in-SLO concurrency. */
export function serverlessConfig(
  spec: TOnlineServiceSpec,
  trace: TFleetTrace,
  fraction: number,
  scaledownWindowSeconds: number,
): TServerlessConfig & { rate: number } {
  let best: { tp: number; rate: TSustainedRate } | null = null;
  for (const tp of TP_DEGREES) {
    const rate = measuredRate(spec, trace, spec.serverless.gpuType, tp);
    if (rate && (!best || tp / rate.rps < best.tp / best.rate.rps)) best = { tp, rate };
  }
  if (!best) throw new Error(`${spec.model} cannot serve inside its SLO on ${spec.serverless.gpuType}`);
  return {
    tp: best.tp,
    concurrency: Math.max(1, Math.floor(best.rate.atRate.concurrencyP95 * fraction)),
    workersMin: 0,
    workersMax: spec.serverless.maxWorkers,
    scaledownWindowSeconds,
    rate: best.rate.rps * fraction,
  };
}

/**
 * Always-on on-demand sized for the peak: the on-demand variant cheapest per request, with enough
 * replicas for the trace's busiest minute at the measured rate, running all week.
 */
export function onDemandAtPeakPolicy(): TOnlinePolicyFactory {
  return {
    name: "always-on on-demand at peak",
    router: false,
    create: (spec, trace) => {
      const best = cheapestVariant(spec, trace, "on-demand");
      if (!best) throw new Error(`${spec.model} has no on-demand variant inside its SLO`);
      const n = Math.ceil(peakLoad(spec) / best.rate.rps);
      const policy: TSpotPolicy = {
        minReplicas: n,
        maxReplicas: n,
        targetQps: best.rate.rps,
        upscaleDelaySeconds: 0,
        downscaleDelaySeconds: 0,
      };
      return {
        start: () => [
          { kind: "deploy", id: `${spec.id}-od`, poolId: best.pool.id, tp: best.tp, policy, warm: true },
          { kind: "route", id: `${spec.id}-od` },
        ],
        onMinute: () => [],
      };
    },
  };
}

/** Serverless only: every request to the serverless endpoint, which scales its workers with the load. */
export function serverlessOnlyPolicy(tuning: {
  fraction: number;
  scaledownWindowSeconds: number;
}): TOnlinePolicyFactory {
  return {
    name: "serverless only",
    router: false,
    create: (spec, trace) => {
      const { rate, ...config } = serverlessConfig(spec, trace, tuning.fraction, tuning.scaledownWindowSeconds);
      const warm = Math.ceil((spec.loadRps[0] ?? 0) / rate);
      return {
        start: () => [
          { kind: "serverless", config: { ...config, workersMin: warm }, warm: true },
          { kind: "serverless", config },
        ],
        onMinute: () => [],
      };
    },
  };
}

/**
 * Where the QPS-threshold operator puts each service: on its own cheapest spot variant, or with
 * every service placed at once so that their replicas at the busiest minute fit the pools together.
 */
export type TQpsPlacement = "cheapest" | "fit-pools";

/**
 * SkyServe's own QPS autoscaling behind Tuna, on one GPU type per service: `target_qps` at a tuned
 * fraction of the measured in-SLO rate, min 1 replica, Tuna's 5 s upscale delay and a tuned
 * downscale delay; serverless catches cold spot as it does for Koi. With "cheapest" each service
 * takes the spot variant cheapest per request and may grow to its whole pool; with "fit-pools"
 * (fitSpotVariants) it takes its share of the placement that fits, capped at its peak replicas.
 */
export function qpsThresholdPolicy(tuning: {
  fraction: number;
  downscaleDelaySeconds: number;
  placement: TQpsPlacement;
}): TOnlinePolicyFactory {
  return {
    name: "QPS-threshold autoscaling, one GPU type",
    router: true,
    create: (spec, trace) => {
      const fitted = tuning.placement === "fit-pools" ? fitSpotVariants(trace, tuning.fraction)?.get(spec.id) : null;
      if (tuning.placement === "fit-pools" && !fitted) throw new Error("no spot placement fits the pools at peak");
      const best = fitted ?? cheapestVariant(spec, trace, "spot");
      if (!best) throw new Error(`${spec.model} has no spot variant inside its SLO`);
      const targetQps = best.rate.rps * tuning.fraction;
      const policy: TSpotPolicy = {
        minReplicas: 1,
        maxReplicas: fitted ? fitted.peakReplicas : Math.floor(best.pool.capacity / best.tp),
        targetQps,
        upscaleDelaySeconds: 5,
        downscaleDelaySeconds: tuning.downscaleDelaySeconds,
      };
      const { rate: _rate, ...fallback } = serverlessConfig(spec, trace, 1, 60);
      const initial = Math.max(1, Math.ceil((spec.loadRps[0] ?? 0) / targetQps));
      return {
        start: () => [
          {
            kind: "deploy",
            id: `${spec.id}-qps`,
            poolId: best.pool.id,
            tp: best.tp,
            policy: { ...policy, minReplicas: Math.min(initial, policy.maxReplicas) },
            warm: true,
          },
          { kind: "set-policy", id: `${spec.id}-qps`, policy },
          { kind: "route", id: `${spec.id}-qps` },
          { kind: "serverless", config: fallback },
        ],
        onMinute: () => [],
      };
    },
  };
}
