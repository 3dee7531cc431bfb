import { TP_DEGREES } from "@koi/catalog";
import { describeOnlinePlan } from "./describe-online-plan.ts";
import { sizingLoad } from "./sizing-load.ts";
import type {
  TOnlineDecisionKind,
  TOnlinePlan,
  TOnlinePlanOptions,
  TPlanOnlineInput,
  TTunaScalingPolicy,
} from "./online-types.ts";
import { chooseVariant, planSwitch, SERVERLESS_KEY, type TOption } from "./plan-variant-switch.ts";
import { explainUnreachable } from "./explain-unreachable.ts";
import {
  latencyOfFleet,
  serverlessSide,
  sizeServerlessWorkers,
  sizeVmVariants,
  variantLabel,
  type TSizedVariant,
  type TSizedWorker,
} from "./size-variants.ts";

const HOUR = 3600;
export const ONLINE_DEFAULTS: Required<TOnlinePlanOptions> = {
  startupSeconds: 600,
  decisionSeconds: 300,
  holdSeconds: 900,
  horizonSeconds: 6 * HOUR,
  switchSaving: 0.15,
  switchPersistSeconds: 1800,
  preemptionRiskBudget: 0.0025,
  // Chosen on the online week's tuning week (`npm run bench:planner -- --only "online week"`).
  sizingQuantile: 0.99,
  tpChoices: TP_DEGREES,
};
/**
 * Delays Koi sets on Tuna. SkyServe acts on a QPS excess after a minute (Koi's floor already covers
 * the forecast, so SkyServe is the backstop for surprises) and releases after five; a serverless
 * worker stays up a minute after its last request (Tuna's default).
 */
export const TUNA_DELAYS = { upscaleSeconds: 60, downscaleSeconds: 300, scaledownWindowSeconds: 60 };

/**
 * Capacity for one online service behind Tuna. Each candidate variant (pool × TP) gets the rate
 * one replica sustains inside the TTFT/TPOT p95 targets from the performance model; the replicas
 * to keep are those the forecast's P90 × within-hour burst needs until the next decision's
 * replicas could be ready (and, before any is released, over the hold window). Tuna's router
 * sends everything to spot while spot is ready, so spot carries the load; the serverless side is
 * sized to carry it when spot is cold (start, preemption of the last replica). The cheapest
 * option over the coming hours wins, with hysteresis on changing variant. Impossible targets or
 * a rate nothing can carry give an infeasible plan naming the target and the best achievable.
 */
export function planOnlineCapacity(input: TPlanOnlineInput): TOnlinePlan {
  const o = { ...ONLINE_DEFAULTS, ...input.options };
  const { service, forecast, now } = input;
  const current = input.state?.variant ?? null;
  const currentReplicas = input.currentReplicas ?? 0;
  const speed = { table: input.speed, unmeasured: input.unmeasuredSpeed };
  const { variants, misfits } = sizeVmVariants(service, input.pools, current, currentReplicas, o.tpChoices, speed);
  const workers = sizeServerlessWorkers(service, input.serverless, o.tpChoices, speed);

  const lead = Math.max(o.startupSeconds + o.decisionSeconds, o.holdSeconds);
  const load = (from: number, to: number): number =>
    sizingLoad(forecast, from, to, o.sizingQuantile, input.speedSd ?? 0);
  const windowRps = Math.max(load(now, now + lead), input.currentRps ?? 0);
  const horizonRps = Math.max(windowRps, load(now, now + o.horizonSeconds));
  const hours = forecast.points.filter((p) => p.start < now + o.horizonSeconds);
  const horizonHours = Math.max(1, hours.length);

  const replicasFor = (v: TSizedVariant, rps: number): number => {
    const n = Math.max(1, Math.ceil(rps / v.rate.rps - 1e-9));
    // Binary routing: while a preempted replica is replaced, the others carry its share.
    const shortfall = n * v.preemptionRatePerHour * (o.startupSeconds / HOUR);
    return shortfall > o.preemptionRiskBudget ? n + 1 : n;
  };
  const worker: TSizedWorker | undefined = workers[0];
  const workersFor = (w: TSizedWorker, rps: number): number => Math.max(1, Math.ceil(rps / w.rate.rps - 1e-9));
  const options: (TOption & { sized?: TSizedVariant })[] = [];
  // Stay on a variant while its pool holds the coming minutes; move only to one whose pool holds the
  // horizon's peak too, or a filling pool sends the service straight back out.
  const fits = (v: TSizedVariant): boolean =>
    replicasFor(v, v.key === input.state?.key ? windowRps : horizonRps) <= v.maxReplicas;
  const eligible = variants.some(fits) ? variants.filter(fits) : variants;
  for (const v of eligible) {
    const replicas = replicasFor(v, windowRps);
    if (replicas > v.maxReplicas) continue;
    const horizonCost = hours.reduce(
      (s, p) => s + replicasFor(v, load((p.start + p.end) / 2, (p.start + p.end) / 2)) * v.pricePerHour,
      0,
    );
    options.push({
      key: v.key,
      variant: v,
      label: variantLabel(v),
      replicas,
      costPerHour: replicas * v.pricePerHour,
      horizonCost: Math.max(horizonCost, replicas * v.pricePerHour),
      sized: v,
    });
  }
  if (worker) {
    const replicas = workersFor(worker, windowRps);
    if (replicas <= (worker.offer.maxWorkers ?? Infinity))
      options.push({
        key: SERVERLESS_KEY,
        variant: null,
        label: `serverless ${worker.offer.gpuType} TP${worker.tp}`,
        replicas,
        costPerHour: replicas * worker.pricePerHour,
        horizonCost: hours.reduce(
          (s, p) => s + workersFor(worker, load((p.start + p.end) / 2, (p.start + p.end) / 2)) * worker.pricePerHour,
          0,
        ),
      });
  }

  if (options.length === 0) return explainUnreachable({ input, variants, misfits, workers, windowRps });

  const currentOption = options.find((x) => x.key === input.state?.key) ?? null;
  const choice = chooseVariant({
    options,
    current: currentOption,
    state: input.state,
    now,
    horizonHours,
    saving: o.switchSaving,
    persistSeconds: o.switchPersistSeconds,
    overlapCost: (from, to) =>
      planSwitch({
        from,
        to,
        startupSeconds: o.startupSeconds,
        coldStartSeconds: worker?.offer.coldStartSeconds ?? 0,
        horizonHours,
      }).overlapCost,
  });
  const chosen = options.find((x) => x.key === choice.chosen.key)!;
  const previous = input.state?.key ? (options.find((x) => x.key === input.state!.key) ?? null) : null;
  const switchPlan =
    choice.switched && previous
      ? planSwitch({
          from: previous,
          to: chosen,
          startupSeconds: o.startupSeconds,
          coldStartSeconds: worker?.offer.coldStartSeconds ?? 0,
          horizonHours,
        })
      : null;

  const sized = chosen.sized;
  const maxReplicas = sized
    ? Math.min(sized.maxReplicas, Math.max(chosen.replicas, replicasFor(sized, horizonRps)))
    : 0;
  const serverless = worker
    ? serverlessSide(
        worker,
        // Serverless only: warm workers for the load (a cold start breaks TTFT); as fallback: none kept warm.
        sized ? 0 : chosen.replicas,
        Math.min(worker.offer.maxWorkers ?? Infinity, workersFor(worker, horizonRps)),
      )
    : null;
  const tuna: TTunaScalingPolicy = {
    spot: {
      min_replicas: sized ? chosen.replicas : 0,
      max_replicas: maxReplicas,
      // Tuna casts to an integer; rounding down keeps SkyServe's own QPS backstop on the safe side.
      target_qps: Math.max(1, Math.floor(sized ? sized.rate.rps : 1)),
      upscale_delay: TUNA_DELAYS.upscaleSeconds,
      downscale_delay: TUNA_DELAYS.downscaleSeconds,
    },
    serverless: {
      concurrency: serverless?.concurrency ?? 1,
      scaledown_window: TUNA_DELAYS.scaledownWindowSeconds,
      workers_min: serverless?.workersMin ?? 0,
      workers_max: Math.max(1, serverless?.workersMax ?? 1),
    },
  };
  const latency = sized
    ? latencyOfFleet(service, sized.gpuType, sized.tp, chosen.replicas, windowRps, speed)
    : worker!.rate.atRate;
  const kind: TOnlineDecisionKind = !input.state?.key
    ? "initial"
    : choice.switched
      ? "swap"
      : chosen.replicas > input.state.replicas
        ? "scale_up"
        : chosen.replicas < input.state.replicas
          ? "scale_down"
          : "hold";
  const plan: Omit<TOnlinePlan, "reason" | "alternatives"> = {
    feasible: true,
    kind,
    variant: sized ? { poolId: sized.poolId, gpuType: sized.gpuType, market: sized.market, tp: sized.tp } : null,
    spot: { minReplicas: tuna.spot.min_replicas, maxReplicas: maxReplicas, ratePerReplica: sized?.rate.rps ?? 0 },
    serverless,
    tuna,
    sizing: { windowRps, horizonRps, quantile: o.sizingQuantile },
    costPerHour: chosen.costPerHour,
    predictedLatency: { ttftP95Ms: latency.ttftP95Ms, tpotP95Ms: latency.tpotP95Ms },
    switchPlan,
    binding: null,
    state: choice.state,
  };
  return {
    ...plan,
    ...describeOnlinePlan({ plan, chosen, options, waiting: choice.waiting, forecast, service, sized, worker }),
  };
}
