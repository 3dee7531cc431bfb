import { TP_DEGREES } from "@koi/catalog";
import { sustainedRate, type TSustainedRate } from "../online/latency-at-rate.ts";
import { profileReplica } from "../online/profile-replica.ts";
import type { TFleetTrace, TOnlineServiceSpec, TPoolSpec } from "./fleet-types.ts";
import type { TOnlinePolicyFactory, TServerlessConfig, TSpotPolicy } from "./online-week-types.ts";
import { peakLoad } from "./replica-throughput.ts";

/**
 * What an operator's load test of one replica finds: the rate it sustains inside the SLO at the
 * hardware's real (hidden) speed. Baselines get this truth; Koi starts from the model and learns it.
 */
export function measuredRate(
  spec: TOnlineServiceSpec,
  trace: TFleetTrace,
  gpu: string,
  tp: number,
): TSustainedRate | null {
  const profile = profileReplica({
    model: spec.model,
    gpu,
    tp,
    inputTokens: spec.inputTokens,
    outputTokens: spec.outputTokens,
    speed: Math.round(trace.trueFactor(spec.model, gpu) * 200) / 200,
  });
  if (!profile.fits) return null;
  const rate = sustainedRate(profile, { ttftP95Ms: spec.ttftP95Ms, tpotP95Ms: spec.tpotP95Ms });
  return rate.rps > 0 ? rate : null;
}

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
 * SkyServe's own QPS autoscaling behind Tuna, on one GPU type: the spot variant cheapest per
 * request, `target_qps` at a tuned fraction of the measured in-SLO rate, min 1 replica, Tuna's
 * 5 s upscale delay and a tuned downscale delay; serverless catches cold spot as it does for Koi.
 */
export function qpsThresholdPolicy(tuning: { fraction: number; downscaleDelaySeconds: number }): TOnlinePolicyFactory {
  return {
    name: "QPS-threshold autoscaling, one GPU type",
    router: true,
    create: (spec, trace) => {
      const best = cheapestVariant(spec, trace, "spot");
      if (!best) throw new Error(`${spec.model} has no spot variant inside its SLO`);
      const targetQps = best.rate.rps * tuning.fraction;
      const policy: TSpotPolicy = {
        minReplicas: 1,
        maxReplicas: Math.floor(best.pool.capacity / best.tp),
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
            policy: { ...policy, minReplicas: initial },
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
