import { z } from "zod";
import { ZReasonCode } from "../primitives.ts";
import { named } from "../registry.ts";

/*
 * Orca → Koi webhooks, field by field from ENGINE_CONTRACTS A.2/A.5.
 *
 * Known fields are typed exactly; unknown fields are TOLERATED and kept (`looseObject`). Orca's
 * outbox retries every non-2xx forever (A.1), so a receiver that forbade a field added by a future
 * Orca patch would wedge that event in Orca's outbox and never see it. Keeping the extras means the
 * agent forwards the payload exactly as received. The envelope fields are optional because the
 * rollback path (`ORCA_OUTBOX_DB_PATH=""`) sends the bare payload.
 */

/** Orca's generous text bounds: its own limits are 200/500 chars, with headroom so we never reject a real event. */
const text = z.string().max(8192);
const id = z.string().min(1).max(256);
const decisionId = z.string().max(256).nullable();
const epochSeconds = z.number().min(0);

export const ORCA_EVENT_TYPES = [
  "config_attempted",
  "launch_heartbeat",
  "launching",
  "job_started",
  "launch_failed",
  "replica_failed",
  "job_complete",
] as const;
export type TOrcaEventType = (typeof ORCA_EVENT_TYPES)[number];

function envelope<T extends TOrcaEventType>(eventType: T) {
  return {
    event_id: z.string().min(1).max(256).optional(),
    event_type: z.literal(eventType).optional(),
    /** Enqueue time (epoch seconds), unchanged across retries. */
    emitted_at: epochSeconds.optional(),
    /** Always null today. */
    correlation_id: z.string().max(256).nullable().optional(),
  };
}

/**
 * The id Koi deduplicates an Orca event by. Orca's own ids repeat across jobs: they are built from
 * job ids (`job_started:<replica>`) that carry 16 random bits per model, so a later job can reuse
 * an earlier one's. The envelope's `emitted_at` (enqueue time, unchanged on retries) tells two
 * emissions apart while keeping every retry of one the same.
 */
export function orcaEmissionId(eventId: string, emittedAt: unknown): string {
  const at = typeof emittedAt === "number" && Number.isFinite(emittedAt) ? `@${emittedAt}` : "";
  return `${eventId}${at}`.slice(0, 256);
}

export const ZOrcaMarket = z.enum(["spot", "on_demand"]);
export const ZOrcaFailureCategory = z.enum(["oom", "no_capacity", "spot_preemption", "quota", "unknown"]);

export const ZOrcaConfigAttempted = named(
  "OrcaConfigAttempted",
  z.looseObject({
    ...envelope("config_attempted"),
    /** Parent job id. */
    job_id: id,
    decision_id: decisionId,
    instance_type: text,
    gpu_type: text,
    /** "unknown" on failure. */
    region: text,
    market: text,
    launched: z.boolean(),
    failure_reason: text,
    time_to_launch: z.number().min(0),
    attempt_index: z.number().int().min(0),
  }),
);

export const ZOrcaLaunchPhase = z.enum(["searching_capacity", "provisioning", "bootstrapping", "waiting_model_ready"]);

export const ZOrcaLaunchHeartbeat = named(
  "OrcaLaunchHeartbeat",
  z.looseObject({
    ...envelope("launch_heartbeat"),
    /** Replica id. */
    job_id: id,
    decision_id: decisionId,
    group_id: id,
    gpu_type: text,
    instance_type: text,
    tp: z.number().int().min(1),
    pp: z.number().int().min(1),
    region: text,
    market: text,
    attempt_index: z.number().int().min(0),
    phase: ZOrcaLaunchPhase,
    message: text,
    timestamp: epochSeconds,
  }),
);

export const ZOrcaLaunching = named(
  "OrcaLaunching",
  z.looseObject({
    ...envelope("launching"),
    job_id: id,
    decision_id: decisionId,
    group_id: id,
    gpu_type: text,
    instance_type: text,
    tp: z.number().int().min(1),
    pp: z.number().int().min(1),
    region: text,
    market: text,
    attempt_index: z.number().int().min(0),
  }),
);

const startedCommon = {
  ...envelope("job_started"),
  /** Replica id (chunked) or cluster/job id (legacy). */
  job_id: id,
  replica_id: id,
  decision_id: decisionId,
  gpu_type: text,
  instance_type: text,
  tp: z.number().int().min(1),
  pp: z.number().int().min(1),
  dp: z.number().int().min(1),
  slo_deadline_hours: z.number().min(0),
  total_tokens: z.number().int().min(0),
};

export const ZOrcaJobStartedChunked = named(
  "OrcaJobStartedChunked",
  z.looseObject({
    ...startedCommon,
    group_id: id,
    region: text,
    market: text,
    predicted_tps: z.number().min(0).nullable(),
    is_fallback: z.boolean(),
  }),
);

/** The legacy single-cluster path: no group_id, region, market, predicted_tps or is_fallback. */
export const ZOrcaJobStartedLegacy = named("OrcaJobStartedLegacy", z.looseObject(startedCommon));

export const ZOrcaJobStarted = z.union([ZOrcaJobStartedChunked, ZOrcaJobStartedLegacy]);

export const ZOrcaConfigTried = z.looseObject({
  gpu_type: text,
  instance_type: text,
  region: text,
  market: text,
  reason: text,
  failure_category: ZOrcaFailureCategory,
});

export const ZOrcaLaunchFailed = named(
  "OrcaLaunchFailed",
  z.looseObject({
    ...envelope("launch_failed"),
    /** Parent job id. */
    job_id: id,
    decision_id: decisionId,
    configs_tried: z.array(ZOrcaConfigTried).max(10_000),
    failure_reasons: z.array(text).max(10_000),
    total_time_seconds: z.number().min(0),
  }),
);

export const ZOrcaReplicaFailed = named(
  "OrcaReplicaFailed",
  z.looseObject({
    ...envelope("replica_failed"),
    job_id: id,
    replica_id: id,
    group_id: id,
    decision_id: decisionId,
    instance_type: text,
    region: text,
    market: text,
    status: z.literal("failed"),
    reason: text,
    /** Only when the monitor thread emits; the watchdog's event has no reason_code. */
    reason_code: ZReasonCode.optional(),
    reason_detail: text.optional(),
  }),
);

const optionalNumber = z.number().nullable().optional();

/** `/job/complete` metrics: aggregate of per-replica summaries, or `{}`. Only the keys Koi reads are typed. */
export const ZOrcaCompleteMetrics = z.looseObject({
  num_requests_total: optionalNumber,
  num_requests_completed: optionalNumber,
  num_requests_skipped: optionalNumber,
  total_input_tokens: optionalNumber,
  total_output_tokens: optionalNumber,
  total_tokens: optionalNumber,
  throughput_tokens_per_sec: optionalNumber,
  throughput_output_tokens_per_sec: optionalNumber,
  cost_for_run_usd: optionalNumber,
  total_runtime_sec: optionalNumber,
  price_per_hour: optionalNumber,
  num_replicas: optionalNumber,
  gpu_name: z.string().max(256).nullable().optional(),
  model_name: z.string().max(256).nullable().optional(),
});

export const ZOrcaJobComplete = named(
  "OrcaJobComplete",
  z.looseObject({
    ...envelope("job_complete"),
    job_id: id,
    group_id: id,
    /** "succeeded" even when some chunks permanently failed. */
    status: z.enum(["succeeded", "failed"]),
    metrics: ZOrcaCompleteMetrics,
  }),
);

/** Webhook path (after `KOI_SERVICE_URL`) → event type and payload schema. */
export const ORCA_WEBHOOKS = {
  "/job/config-attempted": { eventType: "config_attempted", schema: ZOrcaConfigAttempted },
  "/job/launch-heartbeat": { eventType: "launch_heartbeat", schema: ZOrcaLaunchHeartbeat },
  "/job/launching": { eventType: "launching", schema: ZOrcaLaunching },
  "/job/started": { eventType: "job_started", schema: ZOrcaJobStarted },
  "/job/launch-failed": { eventType: "launch_failed", schema: ZOrcaLaunchFailed },
  "/job/replica-failed": { eventType: "replica_failed", schema: ZOrcaReplicaFailed },
  "/job/complete": { eventType: "job_complete", schema: ZOrcaJobComplete },
} as const satisfies Record<string, { eventType: TOrcaEventType; schema: z.ZodType }>;
export type TOrcaWebhookPath = keyof typeof ORCA_WEBHOOKS;
export const ORCA_WEBHOOK_PATHS = Object.keys(ORCA_WEBHOOKS) as TOrcaWebhookPath[];

export type TOrcaConfigAttempted = z.infer<typeof ZOrcaConfigAttempted>;
export type TOrcaLaunchHeartbeat = z.infer<typeof ZOrcaLaunchHeartbeat>;
export type TOrcaLaunching = z.infer<typeof ZOrcaLaunching>;
export type TOrcaJobStarted = z.infer<typeof ZOrcaJobStarted>;
export type TOrcaLaunchFailed = z.infer<typeof ZOrcaLaunchFailed>;
export type TOrcaReplicaFailed = z.infer<typeof ZOrcaReplicaFailed>;
export type TOrcaJobComplete = z.infer<typeof ZOrcaJobComplete>;
export type TOrcaWebhookPayload =
  | TOrcaConfigAttempted
  | TOrcaLaunchHeartbeat
  | TOrcaLaunching
  | TOrcaJobStarted
  | TOrcaLaunchFailed
  | TOrcaReplicaFailed
  | TOrcaJobComplete;
