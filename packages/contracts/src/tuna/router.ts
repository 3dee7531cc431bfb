import { z } from "zod";
import { named } from "../registry.ts";

/*
 * Tuna's router (ENGINE_CONTRACTS D.1). Responses are loose (a newer Tuna may add fields); the
 * request bodies we send are strict.
 */

const count = z.number().int().min(0);
const seconds = z.number().min(0);

export const ZTunaRouteStatsFull = named(
  "TunaRouteStats",
  z.looseObject({
    total: count,
    spot: count,
    serverless: count,
    rejected: count,
    pct_spot: z.number().min(0).max(100),
    pct_serverless: z.number().min(0).max(100),
    window_total: count,
    window_spot: count,
    window_serverless: count,
    /** Σ wall-clock seconds per request (concurrent requests add up): not real GPU time. */
    gpu_seconds_spot: seconds,
    gpu_seconds_serverless: seconds,
    uptime_seconds: seconds,
    spot_ready_seconds: seconds,
  }),
);
export type TTunaRouteStatsFull = z.infer<typeof ZTunaRouteStatsFull>;

export const ZTunaSpotState = z.enum(["cold", "warming", "ready"]);
export type TTunaSpotState = z.infer<typeof ZTunaSpotState>;

export const ZTunaRouterHealth = named(
  "TunaRouterHealth",
  z.looseObject({
    skyserve_ready: z.boolean(),
    spot_state: ZTunaSpotState,
    last_probe_ts: z.number().nullable(),
    /** A boolean, not the message. */
    last_probe_err: z.boolean(),
    serverless_base_url: z.string(),
    skyserve_base_url: z.string(),
    route_stats: ZTunaRouteStatsFull,
    /** Koi's simulator only: the READY spot replicas the controller last pushed to /router/spot-replicas. */
    spot_replicas: count.optional(),
    /**
     * Koi's simulator only: the router takes a scaling policy at POST /router/scaling-policy. Tuna's
     * router has no such route, and any path it does not know is proxied to vLLM as traffic.
     */
    koi_scaling_policy: z.literal(true).optional(),
  }),
);
export type TTunaRouterHealth = z.infer<typeof ZTunaRouterHealth>;

const httpUrl = z.url({ protocol: /^https?$/, hostname: /.+/ });

export const ZTunaRouterConfigRequest = named(
  "TunaRouterConfigRequest",
  z.strictObject({
    serverless_url: httpUrl.optional(),
    serverless_auth_token: z.string().max(4096).optional(),
    spot_url: httpUrl.optional(),
  }),
);
export type TTunaRouterConfigRequest = z.infer<typeof ZTunaRouterConfigRequest>;

export const ZTunaSpotReplicasRequest = named(
  "TunaSpotReplicasRequest",
  z.strictObject({ replicas: z.number().int().min(0) }),
);
