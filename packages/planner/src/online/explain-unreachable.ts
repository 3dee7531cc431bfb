import type { TOnlinePlan, TOnlineScalingState, TPlanOnlineInput, TVariant } from "./online-types.ts";
import { SERVERLESS_KEY } from "./plan-variant-switch.ts";
import { planOnlineCapacity, TUNA_DELAYS } from "./plan-online-capacity.ts";
import { serverlessSide, variantLabel, type TMisfit, type TSizedVariant, type TSizedWorker } from "./size-variants.ts";

/** Relaxed targets sit this far above the best achievable, so the best-effort plan has room to batch. */
const RELAX = 1.25;
const ms = (x: number): string => `${Math.round(x)} ms`;

/**
 * No option meets the SLO for the coming load. Either no candidate meets a latency target even
 * with one request in flight (the target is named with the best p95 any candidate reaches), or
 * the pools and serverless caps cannot carry the rate (the best rate is named). Either way the
 * plan still carries a best-effort Tuna policy: the closest variant at relaxed targets, or every
 * replica the best variant can get.
 */
export function explainUnreachable(args: {
  input: TPlanOnlineInput;
  variants: readonly TSizedVariant[];
  misfits: readonly TMisfit[];
  workers: readonly TSizedWorker[];
  windowRps: number;
}): TOnlinePlan {
  const { input, variants, misfits, workers, windowRps } = args;
  const { service } = input;
  if (variants.length === 0 && workers.length === 0) {
    const timed = misfits.filter((m) => m.idle);
    if (timed.length === 0) {
      const detail = `${typeof service.model === "string" ? service.model : service.model.id} fits on none of the offered GPUs (${misfits.map((m) => `${m.label}: ${m.detail}`).join("; ") || "no pools"})`;
      return unreachable(input, { target: "memory", detail }, detail);
    }
    const ratio = (m: TMisfit) =>
      Math.max(m.idle!.ttftP95Ms / service.ttftP95Ms, m.idle!.tpotP95Ms / service.tpotP95Ms);
    const closest = timed.reduce((a, b) => (ratio(b) < ratio(a) ? b : a));
    const idle = closest.idle!;
    const target = idle.tpotP95Ms / service.tpotP95Ms >= idle.ttftP95Ms / service.ttftP95Ms ? "tpot" : "ttft";
    const bestTtft = Math.min(...timed.map((m) => m.idle!.ttftP95Ms));
    const bestTpot = Math.min(...timed.map((m) => m.idle!.tpotP95Ms));
    const detail =
      target === "tpot"
        ? `TPOT p95 ≤ ${service.tpotP95Ms} ms cannot be met even with one request in flight: the best is ${ms(bestTpot)} (${closest.label} reaches ${ms(idle.tpotP95Ms)} with TTFT ${ms(idle.ttftP95Ms)})`
        : `TTFT p95 ≤ ${service.ttftP95Ms} ms cannot be met even with one request in flight: the best is ${ms(bestTtft)} (${closest.label} reaches ${ms(idle.ttftP95Ms)} with TPOT ${ms(idle.tpotP95Ms)})`;
    const relaxed = planOnlineCapacity({
      ...input,
      service: {
        ...service,
        ttftP95Ms: Math.max(service.ttftP95Ms, idle.ttftP95Ms * RELAX),
        tpotP95Ms: Math.max(service.tpotP95Ms, idle.tpotP95Ms * RELAX),
      },
    });
    return {
      ...relaxed,
      feasible: false,
      kind: "slo_unreachable",
      binding: { target, detail, bestTtftP95Ms: bestTtft, bestTpotP95Ms: bestTpot },
      reason: `${detail}. Best effort: ${relaxed.reason}`,
    };
  }
  // Latency is reachable but not at this rate: everything the single best deployment can hold.
  const capacityOf = (v: TSizedVariant): number => v.maxReplicas * v.rate.rps;
  const best = variants.length > 0 ? variants.reduce((a, b) => (capacityOf(b) > capacityOf(a) ? b : a)) : null;
  const worker = workers[0];
  const workerCap = worker ? (worker.offer.maxWorkers ?? 0) * worker.rate.rps : 0;
  const bestRps = Math.max(best ? capacityOf(best) : 0, workerCap);
  const detail = `${windowRps.toFixed(1)} req/s is more than any single deployment can serve inside the SLO: the most is ${bestRps.toFixed(1)} req/s (${best && capacityOf(best) >= workerCap ? `${best.maxReplicas} × ${variantLabel(best)}` : `${worker?.offer.maxWorkers ?? 0} serverless ${worker?.offer.gpuType ?? ""} workers`})`;
  const plan = unreachable(input, { target: "rate", detail, bestRps }, detail);
  if (!best || capacityOf(best) < workerCap) {
    if (!worker) return plan;
    // Every serverless worker there is, kept warm (a cold start breaks TTFT), each as busy as the SLO allows.
    const workers = Math.max(1, worker.offer.maxWorkers ?? 1);
    return {
      ...plan,
      serverless: serverlessSide(worker, workers, workers),
      tuna: {
        ...plan.tuna,
        serverless: {
          ...plan.tuna.serverless,
          concurrency: worker.concurrency,
          workers_min: workers,
          workers_max: workers,
        },
      },
      costPerHour: workers * worker.pricePerHour,
      state: keeping(input, SERVERLESS_KEY, null, workers),
      reason: `${detail}. Best effort: all ${workers} serverless ${worker.offer.gpuType} TP${worker.tp} workers, kept warm (${(workers * worker.pricePerHour).toFixed(2)} $/h); the rest queues.`,
    };
  }
  const variant = { poolId: best.poolId, gpuType: best.gpuType, market: best.market, tp: best.tp };
  return {
    ...plan,
    // The next plan must count these replicas as the service's own: a state that did not name
    // them made the pool look full, the plan went serverless, the replicas went, and back again.
    state: keeping(input, best.key, variant, best.maxReplicas),
    variant,
    spot: { minReplicas: best.maxReplicas, maxReplicas: best.maxReplicas, ratePerReplica: best.rate.rps },
    tuna: {
      ...plan.tuna,
      spot: {
        ...plan.tuna.spot,
        min_replicas: best.maxReplicas,
        max_replicas: best.maxReplicas,
        target_qps: Math.max(1, Math.floor(best.rate.rps)),
      },
    },
    costPerHour: best.maxReplicas * best.pricePerHour,
    reason: `${detail}. Best effort: all ${best.maxReplicas} replicas of ${variantLabel(best)} (${(best.maxReplicas * best.pricePerHour).toFixed(2)} $/h); the rest queues.`,
  };
}

/** The state of a best-effort plan that serves `key`: kept since whenever it was first chosen. */
function keeping(
  input: TPlanOnlineInput,
  key: string,
  variant: TVariant | null,
  replicas: number,
): TOnlineScalingState {
  const since = input.state?.key === key ? input.state.since : input.now;
  return { key, variant, since, challenger: null, replicas };
}

function unreachable(
  input: TPlanOnlineInput,
  binding: NonNullable<TOnlinePlan["binding"]>,
  reason: string,
): TOnlinePlan {
  return {
    feasible: false,
    kind: "slo_unreachable",
    variant: null,
    spot: { minReplicas: 0, maxReplicas: 0, ratePerReplica: 0 },
    serverless: null,
    tuna: {
      spot: {
        min_replicas: 0,
        max_replicas: 0,
        target_qps: 1,
        upscale_delay: TUNA_DELAYS.upscaleSeconds,
        downscale_delay: TUNA_DELAYS.downscaleSeconds,
      },
      serverless: {
        concurrency: 1,
        scaledown_window: TUNA_DELAYS.scaledownWindowSeconds,
        workers_min: 0,
        workers_max: 1,
      },
    },
    sizing: { windowRps: 0, horizonRps: 0, quantile: input.options?.sizingQuantile ?? 0.9 },
    costPerHour: 0,
    predictedLatency: { ttftP95Ms: Infinity, tpotP95Ms: Infinity },
    switchPlan: null,
    binding,
    alternatives: [],
    reason,
    state: input.state ?? { key: null, variant: null, since: input.now, challenger: null, replicas: 0 },
  };
}
