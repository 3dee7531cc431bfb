import { tryFindGpu } from "@koi/catalog";
import { usableGpus } from "../types.ts";
import { latencyAtRate, sustainedRate, type TLatencyTargets, type TSustainedRate } from "./latency-at-rate.ts";
import type { TOnlinePlan, TOnlineService, TServerlessOffer, TSpeedTable, TVariant, TVmPool } from "./online-types.ts";
import { profileReplica } from "./profile-replica.ts";

export type TSizedVariant = TVariant & {
  key: string;
  /** $/h for one replica. */
  pricePerHour: number;
  /** Replicas the pool can hold for this service (its free GPUs plus what the service already holds there). */
  maxReplicas: number;
  preemptionRatePerHour: number;
  rate: TSustainedRate;
};

export type TSizedWorker = {
  offer: TServerlessOffer;
  tp: number;
  /** $/h for one worker. */
  pricePerHour: number;
  rate: TSustainedRate;
  /** Requests one worker may hold at once and stay inside the SLO (its p95 concurrency at that rate). */
  concurrency: number;
};

/** Why a candidate was left out: it does not fit, or even one request alone misses a target. */
export type TMisfit = { label: string; why: "memory" | "ttft" | "tpot"; detail: string; idle?: TSustainedRate["idle"] };

export const variantKey = (v: Pick<TVariant, "poolId" | "tp">): string => `${v.poolId}|tp${v.tp}`;
export const speedKey = (gpuType: string, tp: number): string => `${gpuType}|tp${tp}`;
export const variantLabel = (v: Pick<TVariant, "gpuType" | "market" | "tp">): string =>
  `${v.gpuType} ${v.market} TP${v.tp}`;

/** Speed to plan a variant with: measured when it has run, else the prior. */
export type TSpeedLookup = { table?: TSpeedTable; unmeasured?: number };

/**
 * The measured speed of this GPU at this TP, else at the nearest TP measured on the same GPU (the
 * model's error is mostly the GPU's, not the TP degree's), else the prior.
 */
export function speedOf(speed: TSpeedLookup, gpuType: string, tp: number): number {
  const exact = speed.table?.[speedKey(gpuType, tp)];
  if (exact !== undefined) return exact;
  let nearest: { distance: number; value: number } | null = null;
  for (const [key, value] of Object.entries(speed.table ?? {})) {
    const [gpu, tpText] = key.split("|tp");
    if (gpu !== gpuType) continue;
    const distance = Math.abs(Math.log2(Number(tpText) / tp));
    if (!nearest || distance < nearest.distance) nearest = { distance, value };
  }
  return nearest?.value ?? speed.unmeasured ?? 1;
}

/** One replica of the service on `tp` × `gpuType`, at the speed learned for it. */
function profileFor(service: TOnlineService, gpuType: string, tp: number, speed: TSpeedLookup) {
  return profileReplica({
    model: service.model,
    precision: service.precision,
    gpu: gpuType,
    tp,
    inputTokens: service.avgInputTokens,
    outputTokens: service.avgOutputTokens,
    speed: speedOf(speed, gpuType, tp),
  });
}

function rateOf(
  service: TOnlineService,
  gpuType: string,
  tp: number,
  targets: TLatencyTargets,
  speed: TSpeedLookup,
): TSustainedRate | string {
  const profile = profileFor(service, gpuType, tp, speed);
  return profile.fits ? sustainedRate(profile, targets) : (profile.reason ?? "does not fit");
}

/** Every VM variant (pool × TP) that fits, with the rate one replica sustains inside the targets. */
export function sizeVmVariants(
  service: TOnlineService,
  pools: readonly TVmPool[],
  current: TVariant | null,
  currentReplicas: number,
  tpChoices: readonly number[],
  speed: TSpeedLookup,
): { variants: TSizedVariant[]; misfits: TMisfit[] } {
  const targets = { ttftP95Ms: service.ttftP95Ms, tpotP95Ms: service.tpotP95Ms };
  const variants: TSizedVariant[] = [];
  const misfits: TMisfit[] = [];
  for (const pool of pools) {
    if (pool.market === "serverless") continue;
    const gpu = tryFindGpu(pool.gpuType);
    if (!gpu) continue;
    for (const tp of tpChoices) {
      if (tp > gpu.maxTp || (pool.replicaSizes && !pool.replicaSizes.includes(tp))) continue;
      const label = `${gpu.id} ${pool.market} TP${tp}`;
      const rate = rateOf(service, gpu.id, tp, targets, speed);
      if (typeof rate === "string") {
        misfits.push({ label, why: "memory", detail: rate });
        continue;
      }
      if (rate.rps <= 0) {
        misfits.push({
          label,
          why: rate.binding === "tpot" ? "tpot" : "ttft",
          detail: "misses a target alone",
          idle: rate.idle,
        });
        continue;
      }
      const held = current && current.poolId === pool.id && current.tp === tp ? currentReplicas * tp : 0;
      variants.push({
        poolId: pool.id,
        gpuType: gpu.id,
        market: pool.market,
        tp,
        key: variantKey({ poolId: pool.id, tp }),
        pricePerHour: pool.pricePerGpuHour * tp,
        maxReplicas: Math.floor((usableGpus(pool) + held) / tp),
        preemptionRatePerHour: pool.market === "spot" ? (pool.preemptionRatePerHour ?? 0) : 0,
        rate,
      });
    }
  }
  return { variants, misfits };
}

/** The cheapest-per-request TP at which each serverless offer's workers serve inside the targets. */
export function sizeServerlessWorkers(
  service: TOnlineService,
  offers: readonly TServerlessOffer[],
  tpChoices: readonly number[],
  speed: TSpeedLookup,
): TSizedWorker[] {
  const targets = { ttftP95Ms: service.ttftP95Ms, tpotP95Ms: service.tpotP95Ms };
  const workers: TSizedWorker[] = [];
  for (const offer of offers) {
    const gpu = tryFindGpu(offer.gpuType);
    if (!gpu) continue;
    let best: TSizedWorker | null = null;
    for (const tp of tpChoices) {
      if (tp > gpu.maxTp) continue;
      const rate = rateOf(service, gpu.id, tp, targets, speed);
      if (typeof rate === "string" || rate.rps <= 0) continue;
      const pricePerHour = offer.pricePerGpuHour * tp;
      if (best && best.pricePerHour / best.rate.rps <= pricePerHour / rate.rps) continue;
      best = {
        offer,
        tp,
        pricePerHour,
        rate,
        concurrency: Math.max(1, Math.floor(rate.atRate.concurrencyP95)),
      };
    }
    if (best) workers.push(best);
  }
  return workers.sort((a, b) => a.pricePerHour / a.rate.rps - b.pricePerHour / b.rate.rps);
}

/** A plan's serverless side on `worker`: `workersMin` kept warm, at most `workersMax`. */
export function serverlessSide(
  worker: TSizedWorker,
  workersMin: number,
  workersMax: number,
): NonNullable<TOnlinePlan["serverless"]> {
  return {
    offerId: worker.offer.id,
    gpuType: worker.offer.gpuType,
    tp: worker.tp,
    concurrency: worker.concurrency,
    workersMin,
    workersMax,
    ratePerWorker: worker.rate.rps,
  };
}

/** p95 latencies of a variant's replicas when `replicas` of them share `rps`. */
export function latencyOfFleet(
  service: TOnlineService,
  gpuType: string,
  tp: number,
  replicas: number,
  rps: number,
  speed: TSpeedLookup,
) {
  const profile = profileFor(service, gpuType, tp, speed);
  return latencyAtRate(profile, rps / Math.max(1, replicas));
}
