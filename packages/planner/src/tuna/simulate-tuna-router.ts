import { z } from "zod";
import { createServerlessPool } from "./simulate-serverless-pool.ts";
import type { TTunaRouteStats } from "@koi/catalog";

/** Times are seconds since the router started (Tuna's `uptime_seconds` clock). */
export const ZTunaTraceInput = z.object({
  requests: z.array(z.object({ arrival: z.number().nonnegative(), serviceSeconds: z.number().nonnegative() })),
  horizonSeconds: z.number().positive(),
  gpuCount: z.number().int().positive(),
  onDemandPricePerGpuSecond: z.number().nonnegative(),
  serverless: z.object({
    pricePerGpuSecond: z.number().nonnegative(),
    coldStartSeconds: z.number().nonnegative(),
    idleWindowSeconds: z.number().nonnegative().default(60),
    concurrency: z.number().int().positive().default(32),
    workersMax: z.number().int().positive().default(1),
    workersMin: z.number().int().nonnegative().default(0),
    billingIncrementSeconds: z.number().positive().default(1),
  }),
  spot: z
    .object({
      pricePerGpuSecond: z.number().nonnegative(),
      provisioningSeconds: z.number().nonnegative(),
      preemptionTimes: z.array(z.number().nonnegative()).default([]),
      /** SkyServe `downscale_delay_seconds`: an idle replica is released after this long (min 0). */
      downscaleDelaySeconds: z.number().nonnegative().default(60),
      minReplicas: z.number().int().min(0).max(1).default(0),
      /** `replica_watcher.sh` pushes the READY replica count this often; null disables it. */
      replicaWatcherIntervalSeconds: z.number().positive().nullable().default(30),
    })
    .nullable(),
  router: z.object({
    pricePerHour: z.number().nonnegative().default(0.04),
    colocated: z.boolean().default(true),
    pokeIntervalSeconds: z.number().positive().default(5),
    idleTimeoutSeconds: z.number().positive().default(60),
    warmupTimeoutSeconds: z.number().positive().default(1200),
  }),
});
export type TTunaTraceInput = z.input<typeof ZTunaTraceInput>;
export type TTunaTraceConfig = z.infer<typeof ZTunaTraceInput>;

export type TSpotState = "cold" | "warming" | "ready";
export type TRoutedRequest = {
  arrival: number;
  backend: "spot" | "serverless";
  retried: boolean;
  start: number;
  end: number;
};
export type TSpotReplicaLife = {
  provisionedAt: number;
  readyAt: number | null;
  endedAt: number;
  endReason: "preempted" | "released" | "horizon";
};

export type TTunaRouterRun = {
  routed: TRoutedRequest[];
  routeStats: TTunaRouteStats;
  transitions: { t: number; from: TSpotState; to: TSpotState; why: string }[];
  spotReplicas: TSpotReplicaLife[];
  serverless: { billedWorkerSeconds: number; coldStarts: number };
};

/**
 * Replays a request trace through Tuna's router state machine (ENGINE_CONTRACTS D.1):
 * cold → warming on the first serverless-routed request (and at startup) while a spot URL is set;
 * warming → ready on the first poke (every `upscale_delay` s) that finds a spot replica up, or when
 * the replica watcher reports one; warming → cold after the warm-up timeout; ready → cold on a spot
 * connection error (the request is retried once on serverless and counted on both backends), when
 * the next request comes more than `downscale_delay` s after the last one, or when the watcher
 * reports 0 replicas.
 *
 * SkyServe is modelled as one replica of `gpuCount` GPUs: provisioning is requested when the
 * router starts warming (its pokes are the traffic SkyServe's autoscaler sees) or, with
 * `minReplicas: 1`, whenever none exists; an idle replica is released after `downscaleDelaySeconds`;
 * a preemption kills whatever replica is alive at that instant.
 */
export function simulateTunaRouter(input: TTunaTraceInput): TTunaRouterRun {
  const cfg = ZTunaTraceInput.parse(input);
  const { router, spot } = cfg;
  const requests = [...cfg.requests].sort((a, b) => a.arrival - b.arrival);
  const pool = createServerlessPool(cfg.serverless);
  const preemptions = [...(spot?.preemptionTimes ?? [])].sort((a, b) => a - b);

  let state = "cold" as TSpotState;
  let warmingSince = 0;
  let pokesDone = 0;
  let readySince = 0;
  let spotReadySeconds = 0;
  let lastRealTraffic = -Infinity;
  let preemptionIndex = 0;
  let watcherTicks = 0;
  let replica: { provisionedAt: number; readyAt: number; up: boolean; lastSpotEnd: number } | null = null;
  const lives: TSpotReplicaLife[] = [];
  const transitions: TTunaRouterRun["transitions"] = [];
  const routed: TRoutedRequest[] = [];
  const counts = { total: 0, spot: 0, serverless: 0, gpuSpot: 0, gpuServerless: 0 };

  const go = (t: number, to: TSpotState, why: string): void => {
    if (state === to) return;
    if (state === "ready") spotReadySeconds += t - readySince;
    if (to === "ready") {
      readySince = t;
      // Idle is measured from the later of the last request and becoming ready; otherwise the first
      // request after a long warm-up would always bounce the router back to cold.
      lastRealTraffic = Math.max(lastRealTraffic, t);
    }
    if (to === "warming") {
      warmingSince = t;
      pokesDone = 0;
    }
    transitions.push({ t, from: state, to, why });
    state = to;
    if (to === "warming" && replica === null) provision(t);
  };
  const provision = (t: number): void => {
    if (spot === null) return;
    replica = { provisionedAt: t, readyAt: t + spot.provisioningSeconds, up: false, lastSpotEnd: t };
  };
  const endReplica = (t: number, reason: TSpotReplicaLife["endReason"]): void => {
    if (replica === null) return;
    lives.push({
      provisionedAt: replica.provisionedAt,
      readyAt: replica.up ? replica.readyAt : null,
      endedAt: t,
      endReason: reason,
    });
    replica = null;
    if (spot !== null && spot.minReplicas > 0 && reason !== "horizon") provision(t);
  };

  // Next internal event (replica up, preemption, release, poke, watcher, warm-up timeout) ≤ until.
  const step = (until: number): boolean => {
    if (spot === null) return false;
    const candidates: [number, () => void][] = [];
    const r = replica;
    if (r !== null && !r.up) candidates.push([r.readyAt, () => (r.up = true)]);
    const p = preemptions[preemptionIndex];
    if (p !== undefined)
      candidates.push([
        p,
        () => {
          preemptionIndex++;
          endReplica(p, "preempted");
        },
      ]);
    if (r !== null && r.up && spot.minReplicas === 0) {
      const releaseAt = Math.max(r.readyAt, r.lastSpotEnd) + spot.downscaleDelaySeconds;
      candidates.push([releaseAt, () => endReplica(releaseAt, "released")]);
    }
    if (state === "warming") {
      const poke = warmingSince + router.pokeIntervalSeconds * (pokesDone + 1);
      const timeout = warmingSince + router.warmupTimeoutSeconds;
      candidates.push([
        Math.min(poke, timeout),
        () => {
          if (poke <= timeout) {
            pokesDone++;
            if (replica?.up) go(poke, "ready", "poke: /v1/models answered");
          } else go(timeout, "cold", "warm-up timeout");
        },
      ]);
    }
    if (spot.replicaWatcherIntervalSeconds !== null) {
      const tick = spot.replicaWatcherIntervalSeconds * (watcherTicks + 1);
      candidates.push([
        tick,
        () => {
          watcherTicks++;
          const up = replica?.up === true;
          if (!up && state === "ready") go(tick, "cold", "watcher: 0 spot replicas");
          if (up && state !== "ready") go(tick, "ready", "watcher: spot replica READY");
        },
      ]);
    }
    let best: [number, () => void] | null = null;
    for (const c of candidates) if (c[0] <= until && (best === null || c[0] < best[0])) best = c;
    if (best === null) return false;
    best[1]();
    return true;
  };
  const advanceTo = (t: number): void => {
    while (step(t));
  };

  if (spot !== null) go(0, "warming", "router startup with a spot URL");
  for (const req of requests) {
    const a = req.arrival;
    advanceTo(a);
    if (state === "ready" && a - lastRealTraffic > router.idleTimeoutSeconds) go(a, "cold", "idle timeout");
    lastRealTraffic = a;
    let retried = false;
    if (state === "ready") {
      counts.total++;
      counts.spot++;
      const r = replica as { up: boolean; lastSpotEnd: number } | null;
      if (r !== null && r.up) {
        const end = a + req.serviceSeconds;
        r.lastSpotEnd = Math.max(r.lastSpotEnd, end);
        counts.gpuSpot += req.serviceSeconds;
        routed.push({ arrival: a, backend: "spot", retried: false, start: a, end });
        continue;
      }
      // Connection refused on a vanished replica: nothing streamed, so Tuna retries on serverless.
      go(a, "cold", "spot connection error");
      retried = true;
    }
    counts.total++;
    counts.serverless++;
    const served = pool.serve(a, req.serviceSeconds);
    counts.gpuServerless += served.end - a;
    routed.push({ arrival: a, backend: "serverless", retried, start: served.start, end: served.end });
    if (state === "cold" && spot !== null) go(a, "warming", "request routed to serverless");
  }
  advanceTo(cfg.horizonSeconds);
  if (state === "ready") spotReadySeconds += cfg.horizonSeconds - readySince;
  endReplica(cfg.horizonSeconds, "horizon");

  return {
    routed,
    routeStats: {
      total: counts.total,
      spot: counts.spot,
      serverless: counts.serverless,
      gpu_seconds_spot: counts.gpuSpot,
      gpu_seconds_serverless: counts.gpuServerless,
      uptime_seconds: cfg.horizonSeconds,
      spot_ready_seconds: spotReadySeconds,
    },
    transitions,
    spotReplicas: lives,
    serverless: pool.close(cfg.horizonSeconds),
  };
}
