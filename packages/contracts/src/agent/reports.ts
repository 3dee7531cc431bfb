import { z } from "zod";
import { INT4_MAX, ZAssignmentState, ZEpoch, ZGpuType, ZIsoDateTime } from "../primitives.ts";
import { named } from "../registry.ts";
import { ZOnlineSample } from "./online-sample.ts";

const nonNegative = z.number().min(0).max(1e15);
const latencyMs = z.number().min(0).max(86_400_000);

export const ZUsageComponent = named(
  "UsageComponent",
  z.enum(["spot", "serverless", "on-demand", "reserved", "on-prem", "router"]),
);
export type TUsageComponent = z.infer<typeof ZUsageComponent>;

export const ZUsageLine = named(
  "UsageLine",
  z.strictObject({
    component: ZUsageComponent,
    gpuType: ZGpuType.optional(),
    /** GPU-seconds (router: wall-clock seconds) since the assignment started. Cumulative. */
    seconds: nonNegative,
    requests: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    /** Cumulative USD since the assignment started. */
    costUsd: nonNegative,
    /** True when the agent derived the figure (e.g. replica-seconds × list price) rather than the engine billing it. */
    estimated: z.boolean().optional(),
  }),
);
export type TUsageLine = z.infer<typeof ZUsageLine>;

export const ZProgress = named(
  "Progress",
  z
    .strictObject({
      completed: nonNegative,
      /** Null for open-ended (online) work. */
      total: nonNegative.nullable(),
      unit: z.enum(["requests", "tokens", "chunks"]),
    })
    .refine((p) => p.total === null || p.completed <= p.total, {
      error: "completed must be <= total",
      path: ["completed"],
    }),
);
export type TProgress = z.infer<typeof ZProgress>;

export const ZAssignmentReport = named(
  "AssignmentReport",
  z.strictObject({
    epoch: ZEpoch,
    /** Per (assignment, epoch), strictly increasing; a repeated seq is a no-op. */
    seq: z.number().int().min(0).max(INT4_MAX),
    at: ZIsoDateTime,
    state: ZAssignmentState,
    progress: ZProgress.optional(),
    throughput: z.strictObject({ tokensPerSecond: nonNegative, outputTokensPerSecond: nonNegative }).optional(),
    gpuUtilPct: z.number().min(0).max(100).optional(),
    /** Sequences running concurrently (summed over replicas). */
    batchSize: nonNegative.optional(),
    kvCacheHitRate: z.number().min(0).max(1).optional(),
    ttftMsP50: latencyMs.optional(),
    ttftMsP95: latencyMs.optional(),
    tpotMsP50: latencyMs.optional(),
    tpotMsP95: latencyMs.optional(),
    replicas: z
      .strictObject({ live: z.number().int().min(0).max(100_000), total: z.number().int().min(0).max(100_000) })
      .optional(),
    /** Tuna: where traffic goes right now. */
    routing: z
      .strictObject({ spotState: z.enum(["cold", "warming", "ready"]), pctSpot: z.number().min(0).max(100) })
      .optional(),
    /** Online services: what the service did since the previous report. */
    online: ZOnlineSample.optional(),
    /** One line per component and GPU type: each is a cumulative counter of its own. */
    usage: z
      .array(ZUsageLine)
      .max(64)
      .refine((lines) => new Set(lines.map((l) => `${l.component}|${l.gpuType ?? ""}`)).size === lines.length, {
        error: "usage has two lines for the same component and gpuType",
      }),
  }),
);
export type TAssignmentReport = z.infer<typeof ZAssignmentReport>;

export const ZUsageRefusal = named(
  "UsageRefusal",
  z.strictObject({
    component: ZUsageComponent,
    gpuType: ZGpuType.optional(),
    /** Why the figure cannot be true (more GPU-seconds than the agent's pools could run, a price per GPU-hour beyond any cloud's). */
    reason: z.string(),
  }),
);
export type TUsageRefusal = z.infer<typeof ZUsageRefusal>;

export const ZReportResponse = named(
  "ReportResponse",
  z.strictObject({
    accepted: z.boolean(),
    /** True when (assignment, epoch, seq) was already recorded. */
    duplicate: z.boolean(),
    /**
     * Usage lines Koi did not bill because they cannot be true; the rest of the report was applied.
     * The line's counter stays at the last figure billed.
     */
    usageRefused: z.array(ZUsageRefusal).optional(),
  }),
);
export type TReportResponse = z.infer<typeof ZReportResponse>;
