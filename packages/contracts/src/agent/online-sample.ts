import { z } from "zod";
import { ZGpuType, ZIsoDateTime } from "../primitives.ts";
import { named } from "../registry.ts";

const rate = z.number().min(0).max(1e9);
const latencyMs = z.number().min(0).max(86_400_000);
const count = z.number().min(0).max(1e9);

/**
 * What an online service did over one report interval, from the Tuna router's route stats and the
 * vLLM `/metrics` of the backends it names. Rates are per engine second over `intervalSeconds`;
 * latency percentiles come from the histogram buckets filled during the interval (null when no
 * request finished in it).
 */
export const ZOnlineSample = named(
  "OnlineSample",
  z.strictObject({
    /** End of the interval on the engine's clock (the router's uptime; a simulator may run faster). */
    t: ZIsoDateTime,
    intervalSeconds: z.number().positive().max(86_400),
    requestsPerSecond: rate,
    inputTokensPerSecond: rate,
    outputTokensPerSecond: rate,
    ttftP95Ms: latencyMs.nullable(),
    tpotP95Ms: latencyMs.nullable(),
    e2eP95Ms: latencyMs.nullable(),
    /** Requests running / waiting in the backends' vLLM schedulers now. */
    running: count,
    waiting: count,
    /** KV-cache use of the busiest backend, 0–1 (null when no backend reported it). */
    kvCacheUsage: z.number().min(0).max(1).nullable(),
    /** Share of the interval's requests the router sent to spot, percent. */
    pctSpot: z.number().min(0).max(100),
    /** Requests the router refused (429) during the interval. */
    rejected: count,
    /** Ready spot replicas (null when the router does not say). */
    spotReplicas: z.number().int().min(0).max(100_000).nullable(),
    /**
     * GPU type of the spot service the router sent spot traffic to over the interval, when the
     * agent runs more than one (older agents leave it out): the latencies are that service's.
     */
    spotGpuType: ZGpuType.optional(),
    /** `serverless.concurrency` in force (null before Koi set a policy). */
    serverlessConcurrency: z.number().int().min(0).max(100_000).nullable(),
    /** Backends whose `/metrics` could not be read this time. */
    scrapeErrors: z.array(z.string().max(300)).max(8),
  }),
);
export type TOnlineSample = z.infer<typeof ZOnlineSample>;
