import { z } from "zod";
import { named } from "../registry.ts";
import { ZOrcaMarket } from "./webhooks.ts";

/*
 * Orca REST responses the adapter reads (ENGINE_CONTRACTS C.2–C.5). Responses are loose: a newer
 * Orca adding a field must not break the agent. Request bodies are strict, because Orca rejects
 * unknown keys (scale and swap with a 500, submit with a 422).
 */

const nullableNumber = z.number().nullable();
const str = z.string().max(4096);

export const ZOrcaSubmitLaunched = z.looseObject({
  status: z.literal("launched"),
  job_id: z.string().min(1),
  config: z.looseObject({ instance_type: str, tp_size: z.number().int(), pp_size: z.number().int() }),
  chunks: z.number().int().optional(),
  replicas: z.number().int().optional(),
  input_stats: z
    .looseObject({
      num_lines: nullableNumber.optional(),
      avg_input_tokens: nullableNumber.optional(),
      max_input_tokens: nullableNumber.optional(),
    })
    .optional(),
  quota_warning: z.unknown().optional(),
  message: str.optional(),
});
export const ZOrcaSubmitConfirm = z.looseObject({
  status: z.literal("confirm"),
  message: str,
  feasibility: z.looseObject({ feasible: z.boolean(), reason: str.nullable().optional() }).optional(),
  config: z.looseObject({}).optional(),
  hint: str.optional(),
});
export const ZOrcaSubmitError = z.looseObject({
  status: z.literal("error"),
  error_type: z.enum(["invalid_placement", "invalid_solver", "context_length_exceeded"]).optional(),
  job_id: z.string().optional(),
  message: str,
  detail: z.unknown().optional(),
});
export const ZOrcaSubmitResponse = named(
  "OrcaSubmitResponse",
  z.discriminatedUnion("status", [ZOrcaSubmitLaunched, ZOrcaSubmitConfirm, ZOrcaSubmitError]),
);
export type TOrcaSubmitResponse = z.infer<typeof ZOrcaSubmitResponse>;

export const ORCA_JOB_STATUSES = [
  "queued",
  "launching",
  "running",
  "loading_model",
  "model_ready",
  "generating",
  "succeeded",
  "failed",
  "cancelled",
] as const;
export const ZOrcaJobStatus = z.enum(ORCA_JOB_STATUSES);
export type TOrcaJobStatus = z.infer<typeof ZOrcaJobStatus>;
/**
 * A job's status as Orca serves it: the statuses above, but its `/job/{id}/phase` route writes any
 * runner phase into the job (the `Literal` on `JobRecord.status` is not enforced at runtime), so an
 * unknown word must not make every poll fail.
 */
const ZOrcaServedJobStatus = z.string().min(1);
/** Replicas' done ÷ total as their ingest sends it; rounding can put it a hair above 1. */
const ZOrcaProgress = z
  .number()
  .min(0)
  .transform((p) => Math.min(1, p));

export const ZOrcaJob = named(
  "OrcaJob",
  z.looseObject({
    job_id: z.string().min(1),
    status: ZOrcaServedJobStatus,
    /** 0–1, 4 dp. */
    progress: ZOrcaProgress,
    num_lines: nullableNumber.optional(),
    model_name: str.nullable().optional(),
    head_ip: str.nullable().optional(),
    endpoint_url: str.nullable().optional(),
    created_at: nullableNumber.optional(),
    last_updated_at: nullableNumber.optional(),
  }),
);
export type TOrcaJob = z.infer<typeof ZOrcaJob>;

export const ZOrcaJobsList = z.looseObject({
  jobs: z.array(
    z.looseObject({
      job_id: z.string(),
      status: ZOrcaServedJobStatus,
      progress: z.number(),
      model_name: str.nullable().optional(),
      num_lines: nullableNumber.optional(),
      created_at: nullableNumber.optional(),
    }),
  ),
});

const optNum = nullableNumber.optional();

/** `MetricsSnapshot` (C.3). `gpu_cache_usage_perc` is a 0–1 fraction; `gpu_*_pct` are 0–100. */
export const ZOrcaMetricsSnapshot = named(
  "OrcaMetricsSnapshot",
  z.looseObject({
    job_id: z.string(),
    timestamp: optNum,
    replica_id: z.string().nullable().optional(),
    avg_generation_throughput_toks_per_s: optNum,
    avg_prompt_throughput_toks_per_s: optNum,
    gpu_cache_usage_perc: optNum,
    num_requests_running: optNum,
    num_requests_waiting: optNum,
    num_requests_swapped: optNum,
    request_success_total: optNum,
    num_preemptions_total: optNum,
    generation_tokens_total: optNum,
    prompt_tokens_total: optNum,
    ttft_ms_p50: optNum,
    ttft_ms_p95: optNum,
    ttft_ms_p99: optNum,
    tpot_ms_p50: optNum,
    tpot_ms_p95: optNum,
    tpot_ms_p99: optNum,
    prefix_cache_hit_rate: optNum,
    gpu_sm_util_pct: optNum,
    gpu_mem_bw_util_pct: optNum,
  }),
);
export type TOrcaMetricsSnapshot = z.infer<typeof ZOrcaMetricsSnapshot>;

export const ZOrcaChunksProgress = named(
  "OrcaChunksProgress",
  z.looseObject({
    total: z.number().int().min(0),
    pending: z.number().int().min(0),
    inflight: z.number().int().min(0),
    completed: z.number().int().min(0),
    failed: z.number().int().min(0),
    all_done: z.boolean(),
  }),
);
export type TOrcaChunksProgress = z.infer<typeof ZOrcaChunksProgress>;

export const ORCA_TERMINAL_REPLICA_PHASES: readonly string[] = ["completed", "failed", "dead", "killed", "swapped_out"];
export const ZOrcaReplicas = named(
  "OrcaReplicas",
  z.looseObject({
    replicas: z.array(
      z.looseObject({
        replica_id: z.string().min(1),
        /**
         * launching, provisioned, running, completed, failed, dead, killed or swapped_out; Orca
         * answers "unknown" for a replica with no phase yet.
         */
        phase: z.string(),
        region: str.nullable().optional(),
        market: str.nullable().optional(),
        instance_type: str.nullable().optional(),
        has_metrics: z.boolean().optional(),
      }),
    ),
  }),
);
export type TOrcaReplicas = z.infer<typeof ZOrcaReplicas>;

export const ZOrcaScaleRequest = named(
  "OrcaScaleRequest",
  z.strictObject({
    count: z.number().int().min(1),
    gpu_type: z.string().optional(),
    tp_size: z.number().int().optional(),
    pp_size: z.number().int().optional(),
    planned_market: ZOrcaMarket.optional(),
    on_demand: z.boolean().optional(),
    force: z.boolean().optional(),
  }),
);
export type TOrcaScaleRequest = z.infer<typeof ZOrcaScaleRequest>;

export const ZOrcaScaleResponse = named(
  "OrcaScaleResponse",
  z.discriminatedUnion("status", [
    z.looseObject({ status: z.literal("scaling"), new_replicas: z.array(z.string()), version: z.number().int() }),
    z.looseObject({ status: z.literal("confirm"), message: str, detail: z.unknown().optional() }),
  ]),
);

export const ZOrcaSwapRequest = named(
  "OrcaSwapRequest",
  z.strictObject({
    gpu_type: z.string().min(1),
    tp_size: z.number().int().optional(),
    pp_size: z.number().int().optional(),
    num_replicas: z.number().int().min(1).optional(),
    ready_threshold: z.number().int().min(1).optional(),
    planned_market: ZOrcaMarket.optional(),
    on_demand: z.boolean().optional(),
    /** Must be true: without it real Orca raises TypeError and answers 500. */
    force: z.boolean().optional(),
  }),
);
export type TOrcaSwapRequest = z.infer<typeof ZOrcaSwapRequest>;

export const ZOrcaSwapResponse = named(
  "OrcaSwapResponse",
  z.looseObject({
    status: z.literal("swapping"),
    old_replicas: z.array(z.string()),
    new_replicas: z.array(z.string()),
    ready_threshold: z.number().int(),
    version: z.number().int(),
  }),
);

export const ZOrcaKillRequest = named(
  "OrcaKillRequest",
  z.strictObject({ replica_ids: z.array(z.string().min(1)).min(1).max(1024) }),
);
export const ZOrcaKillResponse = named(
  "OrcaKillResponse",
  z.looseObject({
    status: z.literal("killing"),
    killed: z.array(z.string()),
    skipped: z.array(z.string()),
    reclaimed: z.number().int(),
  }),
);

export const ZOrcaQuotaFamily = z.enum(["G", "P4_P3_P2", "P5"]);

export const ZOrcaInstance = z.looseObject({
  instance_type: z.string().min(1),
  gpu_type: z.string().min(1),
  gpus_per_instance: z.number().int().min(1),
  vcpus: z.number().int().min(1),
  quota_family: z.string().min(1),
  gpu_memory_gb: z.number().min(0),
  interconnect: z.string(),
  cost_per_instance_hour_usd: z.number().min(0),
});
export type TOrcaInstance = z.infer<typeof ZOrcaInstance>;

export const ZOrcaQuotaRow = z.looseObject({
  family: z.string().min(1),
  region: z.string().min(1),
  market: ZOrcaMarket,
  baseline_vcpus: z.number().min(0),
  used_vcpus: z.number().min(0),
});
export type TOrcaQuotaRow = z.infer<typeof ZOrcaQuotaRow>;

export const ZOrcaResources = named(
  "OrcaResources",
  z.looseObject({
    vpc_id: z.string(),
    /** Naive local ISO string. */
    snapshot_time: z.string(),
    instances: z.array(ZOrcaInstance),
    /** Zero-baseline rows are omitted: a missing row means zero quota. */
    quotas: z.array(ZOrcaQuotaRow),
    /** Double-counts chunked jobs (C.5); informational only. */
    allocated_gpus: z.record(z.string(), z.number()),
  }),
);
export type TOrcaResources = z.infer<typeof ZOrcaResources>;

export const ZOrcaQuotaStatus = named(
  "OrcaQuotaStatus",
  z.looseObject({
    status: z.literal("success"),
    quota_usage: z.array(
      z.looseObject({
        Region: z.string(),
        Market: z.string(),
        Family: z.string(),
        Baseline: z.number(),
        Used: z.number(),
        Available: z.number(),
        /** Orca formats it for people: "50.0%", or "N/A" without a baseline. */
        "Usage %": z.union([z.number(), z.string()]).optional(),
      }),
    ),
    active_reservations: z.array(
      z.looseObject({
        cluster_name: z.string(),
        region: z.string(),
        market: z.string(),
        instance_type: z.string(),
        num_instances: z.number().int(),
        family_type: z.string(),
        vcpu_reserved: z.number(),
        reserved_at: z.union([z.number(), z.string()]),
      }),
    ),
  }),
);
export type TOrcaQuotaStatus = z.infer<typeof ZOrcaQuotaStatus>;

export const ZOrcaHealth = named(
  "OrcaHealth",
  z.looseObject({
    status: z.literal("ok"),
    redis_available: z.boolean(),
    outbox_enabled: z.boolean(),
    outbox_pending: z.number().int().min(0).optional(),
    outbox_oldest_undelivered_age_secs: z.number().min(0).nullable().optional(),
  }),
);
export type TOrcaHealth = z.infer<typeof ZOrcaHealth>;

/** FastAPI's error body: `{"detail": "..."}` or pydantic's list of issues. */
export const ZOrcaErrorDetail = z.looseObject({ detail: z.unknown() });
