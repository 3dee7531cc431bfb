import type { TTunaScalingPolicyWire, TUsageLine } from "@koi/contracts";

/**
 * A SkyServe spot service the router can send its spot traffic to. The deployment's own (from
 * `tuna deploy`) has no URL here: the router was given it, and says it in `skyserve_base_url`.
 * Others are services on other GPU types the operator brought up beside it (`--tuna-variant`).
 */
export type TTunaVariant = {
  gpuType: string;
  gpuCount: number;
  spotUrl: string | null;
  spotPricePerGpuHour: number;
  spotMaxReplicas: number;
};

/**
 * A move of the router's spot traffic to another service, in two phases: `booting` (the new
 * service scales up; the old keeps serving) until its /v1/models answers, then `draining` (the
 * router sends new requests to the new one; the old finishes what it holds) before the old one is
 * let scale to zero. Times are the router's uptime, so a simulator's faster clock is followed.
 */
export type TVariantSwitch = {
  from: string;
  to: string;
  phase: "booting" | "draining";
  since: number;
  /** The policy Koi sent with the switch: the new service runs it, the old one is idled with it. */
  policy: TTunaScalingPolicyWire;
  /** The policy the old service runs while the new one boots (absent in state saved before: unknown). */
  fromPolicy?: TTunaScalingPolicyWire | null;
  /** Replicas the old service ran when the router left it: billed (estimated) while it drains. */
  fromReplicas?: number;
  /** The router has moved but the operator's switch command has not run yet (it is retried). */
  watcherPending?: boolean;
};

/** Tuna's router gives a warming spot backend this long (WARMUP_TIMEOUT_SECONDS) before it calls it cold. */
export const SWITCH_BOOT_TIMEOUT_SECONDS = 1200;
/**
 * The router's upstream timeout (UPSTREAM_TIMEOUT_SECONDS): a request it sent that has not
 * answered by then is cut off. A long stream that keeps answering can outlive it; SkyServe's own
 * downscale delay after the idle policy adds that margin.
 */
export const SWITCH_DRAIN_SECONDS = 210;

/** The policy a service being switched to runs: at least one replica, so it boots without traffic. */
export function bootPolicy(policy: TTunaScalingPolicyWire): TTunaScalingPolicyWire {
  const min = Math.max(1, policy.spot.min_replicas);
  return {
    ...policy,
    spot: { ...policy.spot, min_replicas: min, max_replicas: Math.max(min, policy.spot.max_replicas) },
  };
}

/**
 * The policy a service left behind runs: no floor, so SkyServe scales it to zero once no request
 * reaches it (max_replicas is kept: SkyServe wants max ≥ 1 when autoscaling).
 */
export function idlePolicy(policy: TTunaScalingPolicyWire): TTunaScalingPolicyWire {
  return {
    ...policy,
    spot: { ...policy.spot, min_replicas: 0, max_replicas: Math.max(1, policy.spot.max_replicas) },
  };
}

/** Spot usage per service, each a cumulative counter of its own (one usage line per GPU type). */
export type TSpotAccounts = {
  /** The router-side counters at the last poll: engine replica-seconds, spot requests, uptime. */
  last: { replicaSeconds: number; requests: number; uptime: number };
  byGpu: Record<string, { seconds: number; costUsd: number; requests: number; estimated?: boolean }>;
};

export const NO_SPOT_ACCOUNTS: TSpotAccounts = { last: { replicaSeconds: 0, requests: 0, uptime: 0 }, byGpu: {} };

/**
 * Adds one poll's spot usage: what the router counted goes to the service it routes to; a service
 * booting beside it (its floor of replicas) or draining behind it (the replicas it had) is billed
 * by the agent's estimate, since the router does not see it.
 */
export function accrueSpot(
  accounts: TSpotAccounts,
  now: { replicaSeconds: number; requests: number; uptime: number; estimated?: boolean },
  active: TTunaVariant,
  variants: ReadonlyMap<string, TTunaVariant>,
  switching: TVariantSwitch | undefined,
): TSpotAccounts {
  const byGpu = { ...accounts.byGpu };
  const add = (v: TTunaVariant, replicaSeconds: number, requests: number, estimated: boolean) => {
    const prev = byGpu[v.gpuType] ?? { seconds: 0, costUsd: 0, requests: 0 };
    const seconds = Math.max(0, replicaSeconds) * v.gpuCount;
    byGpu[v.gpuType] = {
      seconds: prev.seconds + seconds,
      costUsd: prev.costUsd + (seconds / 3600) * v.spotPricePerGpuHour,
      requests: prev.requests + Math.max(0, requests),
      ...(estimated || prev.estimated ? { estimated: true } : {}),
    };
  };
  add(
    active,
    now.replicaSeconds - accounts.last.replicaSeconds,
    now.requests - accounts.last.requests,
    now.estimated ?? false,
  );
  const dt = Math.max(0, now.uptime - accounts.last.uptime);
  const other = switching && (switching.phase === "booting" ? switching.to : switching.from);
  const otherVariant = other ? variants.get(other) : undefined;
  if (switching && otherVariant && other !== active.gpuType) {
    const replicas =
      switching.phase === "booting" ? bootPolicy(switching.policy).spot.min_replicas : (switching.fromReplicas ?? 1);
    add(otherVariant, dt * replicas, 0, true);
  }
  return { last: { replicaSeconds: now.replicaSeconds, requests: now.requests, uptime: now.uptime }, byGpu };
}

export function spotUsageLines(accounts: TSpotAccounts, active: string): TUsageLine[] {
  const byGpu: TSpotAccounts["byGpu"] = { [active]: { seconds: 0, costUsd: 0, requests: 0 }, ...accounts.byGpu };
  return Object.entries(byGpu).map(([gpuType, a]) => ({
    component: "spot" as const,
    gpuType,
    seconds: a.seconds,
    requests: a.requests,
    costUsd: a.costUsd,
    ...(a.estimated ? { estimated: true } : {}),
  }));
}
