import type { TOnlineScalingState, TSwitchPlan, TVariant } from "./online-types.ts";
import { variantLabel } from "./size-variants.ts";

/** A way to serve the coming hours: a VM variant, or serverless workers alone (`variant` null). */
export type TOption = {
  key: string;
  variant: TVariant | null;
  label: string;
  /** Replicas (or warm workers) kept now, and their $/h. */
  replicas: number;
  costPerHour: number;
  /** $ over the forecast horizon, each hour sized for that hour's load. */
  horizonCost: number;
};

export const SERVERLESS_KEY = "serverless";
/** Tuna's router waits this long for a streaming response (UPSTREAM_TIMEOUT_SECONDS): the old backend's drain time. */
const DRAIN_SECONDS = 210;

export type TVariantChoice = {
  chosen: TOption;
  switched: boolean;
  /** The cheaper option that is being watched but not switched to yet, and why. */
  waiting: { option: TOption; why: string } | null;
  state: TOnlineScalingState;
};

/**
 * Hysteresis for variant changes. The current variant is kept while it can still serve the load,
 * unless another is at least `saving` cheaper over the horizon, has stayed so for `persistSeconds`
 * (a single forecast wobble does not move a fleet), and saves more over the horizon than the
 * overlap of running both during the switch costs.
 */
export function chooseVariant(args: {
  options: readonly TOption[];
  current: TOption | null;
  state: TOnlineScalingState | undefined;
  now: number;
  horizonHours: number;
  saving: number;
  persistSeconds: number;
  overlapCost: (from: TOption, to: TOption) => number;
}): TVariantChoice {
  const { options, current, now } = args;
  const best = options.reduce((a, b) => (b.horizonCost < a.horizonCost - 1e-9 ? b : a));
  const previous = args.state?.key ?? null;
  const fresh = (option: TOption): TVariantChoice => ({
    chosen: option,
    switched: previous !== null && previous !== option.key,
    waiting: null,
    state: { variant: option.variant, key: option.key, since: now, challenger: null, replicas: option.replicas },
  });
  if (!current) return fresh(best);
  const keep = (waiting: TVariantChoice["waiting"], challenger: TOnlineScalingState["challenger"]): TVariantChoice => ({
    chosen: current,
    switched: false,
    waiting,
    state: {
      variant: current.variant,
      key: current.key,
      since: args.state?.since ?? now,
      challenger,
      replicas: current.replicas,
    },
  });
  if (best.key === current.key || best.horizonCost > (1 - args.saving) * current.horizonCost) return keep(null, null);
  const since = args.state?.challenger?.key === best.key ? args.state.challenger.since : now;
  const challenger = { key: best.key, since };
  const gain = current.horizonCost - best.horizonCost;
  const overlap = args.overlapCost(current, best);
  if (now - since < args.persistSeconds)
    return keep(
      {
        option: best,
        why: `cheaper for ${Math.round((now - since) / 60)} of the ${Math.round(args.persistSeconds / 60)} min a switch waits`,
      },
      challenger,
    );
  if (gain <= overlap)
    return keep(
      {
        option: best,
        why: `saves $${gain.toFixed(2)} over ${args.horizonHours} h, less than the $${overlap.toFixed(2)} overlap`,
      },
      challenger,
    );
  return fresh(best);
}

/** Steps of a switch: the new variant boots and serves before the old one is drained and stopped. */
export function planSwitch(args: {
  from: TOption;
  to: TOption;
  startupSeconds: number;
  coldStartSeconds: number;
  horizonHours: number;
}): TSwitchPlan {
  const { from, to } = args;
  const describe = (o: TOption): string =>
    o.variant ? `${o.replicas} × ${variantLabel(o.variant)}` : "serverless workers";
  let steps: TSwitchPlan["steps"];
  let extra: number;
  if (to.variant) {
    // A second Tuna spot deployment comes up beside the first; the router is repointed once it is READY.
    steps = [
      {
        afterSeconds: 0,
        action: `deploy ${describe(to)} as a second spot service (spot.min_replicas = ${to.replicas})`,
      },
      { afterSeconds: args.startupSeconds, action: "its replicas pass the readiness probe" },
      {
        afterSeconds: args.startupSeconds,
        action: "POST /router/config {spot_url: the new service}: new requests go to it",
      },
      {
        afterSeconds: args.startupSeconds + DRAIN_SECONDS,
        action: `in-flight requests on ${describe(from)} have finished; tear it down`,
      },
    ];
    extra = (to.costPerHour * args.startupSeconds + from.costPerHour * DRAIN_SECONDS) / 3600;
  } else {
    // Serverless workers are warmed first (workers_min), so the router's fallback never waits on a cold start.
    steps = [
      { afterSeconds: 0, action: `set serverless.workers_min = ${to.replicas} so the workers are warm` },
      {
        afterSeconds: args.coldStartSeconds,
        action: "spot.min_replicas = spot.max_replicas = 0: the router falls back to serverless",
      },
      {
        afterSeconds: args.coldStartSeconds + DRAIN_SECONDS,
        action: `in-flight requests on ${describe(from)} have finished; it is released`,
      },
    ];
    extra = (to.costPerHour * args.coldStartSeconds + from.costPerHour * DRAIN_SECONDS) / 3600;
  }
  const savingPerHour = (from.horizonCost - to.horizonCost) / args.horizonHours;
  return {
    from: from.variant,
    to: to.variant,
    steps,
    overlapSeconds: (to.variant ? args.startupSeconds : args.coldStartSeconds) + DRAIN_SECONDS,
    overlapCost: extra,
    savingPerHour,
    breakEvenMinutes: savingPerHour > 0 ? (extra / savingPerHour) * 60 : Infinity,
  };
}
