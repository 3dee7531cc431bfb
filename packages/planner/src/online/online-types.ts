import { z } from "zod";
import type { TModelSpec } from "@koi/catalog";
import type { TCapacityPool, TMarket, TPrecision } from "../types.ts";
import type { TLoadForecast } from "./forecast-load.ts";

/** What an online service serves and promises. */
export type TOnlineService = {
  model: string | TModelSpec;
  precision?: TPrecision;
  avgInputTokens: number;
  avgOutputTokens: number;
  ttftP95Ms: number;
  tpotP95Ms: number;
};

/** A VM pool a Tuna spot deployment (SkyServe) can run in; `preemptionRatePerHour` per instance (spot). */
export type TVmPool = TCapacityPool & { preemptionRatePerHour?: number };

/** A serverless GPU endpoint (Modal, RunPod, …): Tuna's fallback backend. */
export type TServerlessOffer = {
  id: string;
  gpuType: string;
  pricePerGpuHour: number;
  coldStartSeconds: number;
  maxWorkers?: number;
};

/** One way to run the service's replicas: a pool (GPU type and market) and a TP degree. */
export type TVariant = { poolId: string; gpuType: string; market: TMarket; tp: number };

/** Measured ÷ modelled speed per `gpuType|tp`, learned from the service's own latency (1 = as modelled). */
export type TSpeedTable = Record<string, number>;

/** Carried from one decision to the next by the caller (pure planner: no memory of its own). */
export type TOnlineScalingState = {
  /** The option being served: a variant key, "serverless" for serverless only, null before the first plan. */
  key: string | null;
  variant: TVariant | null;
  /** When the current variant was chosen (epoch seconds). */
  since: number;
  /** Replicas (or warm workers) the last plan kept: a new plan is a Decision only when it changes them. */
  replicas: number;
  /** A variant cheaper enough to switch to, and since when it has been: switching waits for it to persist. */
  challenger: { key: string; since: number } | null;
};

export type TOnlinePlanOptions = {
  /** VM launch + model load: replicas ordered now serve after this (s). */
  startupSeconds?: number;
  /** Time until the next decision (s). */
  decisionSeconds?: number;
  /** A replica is released only when the forecast does not need it for this long (s). */
  holdSeconds?: number;
  /** How far ahead the variant choice and `max_replicas` look (s). */
  horizonSeconds?: number;
  /** Switch variants only for at least this fraction saved over the horizon ... */
  switchSaving?: number;
  /** ... and only once the cheaper variant has stayed cheaper this long (s). */
  switchPersistSeconds?: number;
  /** Quantile of the per-report-interval rate the replicas are sized for (0.9: the forecast's P90). */
  sizingQuantile?: number;
  /** Tolerated expected fraction of time short of capacity from spot preemptions before a spare is kept. */
  preemptionRiskBudget?: number;
  tpChoices?: readonly number[];
};

export type TPlanOnlineInput = {
  service: TOnlineService;
  forecast: TLoadForecast;
  /** The last reported rate (req/s): a surprise above the forecast is served, not ignored. */
  currentRps?: number;
  /** Pools' `available` excludes GPUs this service already holds. */
  pools: readonly TVmPool[];
  /** Replicas the service runs now in its current variant (their GPUs count as available to it). */
  currentReplicas?: number;
  serverless: readonly TServerlessOffer[];
  now: number;
  state?: TOnlineScalingState;
  speed?: TSpeedTable;
  /** Speed assumed for variants not in `speed` (default 1: the model as it is). */
  unmeasuredSpeed?: number;
  /** How much the replicas' measured speed varies from minute to minute (log standard deviation). */
  speedSd?: number;
  options?: TOnlinePlanOptions;
};

/**
 * Tuna's scaling policy (`tuna deploy --scaling-policy`, ENGINE_CONTRACTS D.3) with Tuna's own key
 * names. Tuna casts every value to an integer; omitted keys keep Tuna's defaults.
 */
export const ZTunaScalingPolicy = z.strictObject({
  spot: z.strictObject({
    min_replicas: z.number().int().nonnegative(),
    max_replicas: z.number().int().nonnegative(),
    target_qps: z.number().int().positive(),
    upscale_delay: z.number().int().nonnegative(),
    downscale_delay: z.number().int().nonnegative(),
  }),
  serverless: z.strictObject({
    concurrency: z.number().int().positive(),
    scaledown_window: z.number().int().nonnegative(),
    workers_min: z.number().int().nonnegative(),
    workers_max: z.number().int().positive(),
  }),
});
export type TTunaScalingPolicy = z.infer<typeof ZTunaScalingPolicy>;

export type TSwitchStep = { afterSeconds: number; action: string };

/** How to move traffic to another variant without a gap: the new deployment serves before the old stops. */
export type TSwitchPlan = {
  /** null: serverless workers alone. */
  from: TVariant | null;
  to: TVariant | null;
  steps: TSwitchStep[];
  /** Both variants are billed while the new one boots and the old one drains. */
  overlapSeconds: number;
  overlapCost: number;
  savingPerHour: number;
  breakEvenMinutes: number;
};

export type TOnlineAlternative = {
  variant: TVariant | null;
  label: string;
  replicas: number;
  costPerHour: number;
  costDelta: number;
  summary: string;
};

/**
 * The Decision kinds batch work already writes (ZDecisionKind in @koi/contracts) where they mean the
 * same; `hold` is not written, `slo_unreachable` is new.
 */
export type TOnlineDecisionKind = "initial" | "hold" | "scale_up" | "scale_down" | "swap" | "slo_unreachable";

export type TOnlinePlan = {
  feasible: boolean;
  kind: TOnlineDecisionKind;
  /** The spot (or other VM market) variant Tuna's SkyServe side runs; null: serverless only. */
  variant: TVariant | null;
  spot: {
    minReplicas: number;
    maxReplicas: number;
    /** Requests/s one replica serves inside the SLO (Tuna's `target_qps` is this, as an integer). */
    ratePerReplica: number;
  };
  serverless: {
    offerId: string;
    gpuType: string;
    tp: number;
    concurrency: number;
    workersMin: number;
    workersMax: number;
    ratePerWorker: number;
  } | null;
  tuna: TTunaScalingPolicy;
  /**
   * Loads the plan was sized for (req/s): the `quantile` of the rate in a report interval (forecast
   * band, bursts within the hour and the replicas' speed noise combined) until new replicas could
   * serve or the hold window ends, and over the horizon.
   */
  sizing: { windowRps: number; horizonRps: number; quantile: number };
  /** $/h of the replicas kept now (serverless standby is billed only when used). */
  costPerHour: number;
  predictedLatency: { ttftP95Ms: number; tpotP95Ms: number };
  switchPlan: TSwitchPlan | null;
  /** When infeasible: the target that cannot be met and the best the candidates achieve. */
  binding: {
    target: "ttft" | "tpot" | "rate" | "memory";
    detail: string;
    bestTtftP95Ms?: number;
    bestTpotP95Ms?: number;
    bestRps?: number;
  } | null;
  alternatives: TOnlineAlternative[];
  reason: string;
  state: TOnlineScalingState;
};
