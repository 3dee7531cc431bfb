import { z } from "zod";
import { ZInputChunk } from "../agent/commands.ts";
import { ZId, ZIsoDateTime, ZMarket } from "../primitives.ts";
import { named } from "../registry.ts";
import { ZBatchWorkload, ZOnlineWorkload, type TWorkload } from "./workload-kinds.ts";

const submissionExtras = {
  /** Shown in lists; defaults to the model and kind. */
  name: z.string().trim().min(1).max(120).optional(),
  /** Batch: most the whole job may cost (USD). Online: most per hour (USD/h). */
  budgetUsd: z.number().positive().max(10_000_000).optional(),
  /** Markets Koi may place this workload on; default all. */
  allowedMarkets: z.array(ZMarket).min(1).max(5).optional(),
  /**
   * Let Koi run prefill and decode on separate replicas, possibly of different GPU types, on
   * engines that declare `pd_disaggregation`; default false (every replica does both).
   */
  allowDisaggregation: z.boolean().optional(),
  /** Batch input in the customer's storage (Orca reads OpenAI-batch JSONL chunks from S3). */
  input: z
    .strictObject({
      uri: z.string().trim().min(1).max(2048),
      chunks: z.array(ZInputChunk).min(1).max(10_000).optional(),
    })
    .optional(),
};

/**
 * What a user submits — from the dashboard, `POST /api/v1/workloads` or `koi submit`: a batch or
 * online workload plus a name, a budget and market limits.
 */
export const ZWorkloadSubmission = named(
  "WorkloadSubmission",
  z.discriminatedUnion("kind", [ZBatchWorkload.extend(submissionExtras), ZOnlineWorkload.extend(submissionExtras)], {
    error: 'kind must be "batch" or "online"',
  }),
);
export type TWorkloadSubmission = z.infer<typeof ZWorkloadSubmission>;

/** What there is to run: the submission minus its name, limits, disaggregation switch and input (the planner's options). */
export function workloadOf(s: TWorkloadSubmission): TWorkload {
  const {
    name: _name,
    budgetUsd: _budget,
    allowedMarkets: _markets,
    allowDisaggregation: _split,
    input: _input,
    ...workload
  } = s;
  return workload;
}

export const ZWorkloadStatus = named(
  "WorkloadStatus",
  z.enum(["PENDING", "PLANNING", "DISPATCHING", "RUNNING", "PAUSED", "COMPLETED", "FAILED", "CANCELLED"]),
);
export type TWorkloadStatus = z.infer<typeof ZWorkloadStatus>;
export const TERMINAL_WORKLOAD_STATUSES: readonly TWorkloadStatus[] = ["COMPLETED", "FAILED", "CANCELLED"];

/** Why a Decision was made; the dashboard's timeline labels each one. */
export const ZDecisionKind = z.enum([
  "initial",
  "scale_up",
  "scale_down",
  "swap",
  "failover",
  "rebalance_pause",
  "rebalance_resume",
  "replan",
  // Online services: no pool can meet a target; the plan names it and the best achievable.
  "slo_unreachable",
]);
export type TDecisionKind = z.infer<typeof ZDecisionKind>;

export const ZWorkloadHealth = named("WorkloadHealth", z.enum(["UNKNOWN", "ON_TRACK", "AT_RISK", "LATE"]));

export const ZWorkloadView = named(
  "Workload",
  z.strictObject({
    id: ZId,
    name: z.string(),
    kind: z.enum(["batch", "online"]),
    model: z.string(),
    priority: z.enum(["low", "normal", "high", "urgent"]),
    status: ZWorkloadStatus,
    health: ZWorkloadHealth,
    engine: z.enum(["orca", "tuna"]).nullable(),
    statusDetail: z.string().nullable(),
    progress: z.strictObject({
      completed: z.number(),
      total: z.number(),
      /**
       * Requests done as estimated from the tokens the engine generated since it last counted (Orca
       * counts whole chunks); null when `completed` is current.
       */
      estimated: z.number().nullable(),
    }),
    costUsd: z.number(),
    predictedCostUsd: z.number().nullable(),
    budgetUsd: z.number().nullable(),
    deadlineAt: ZIsoDateTime.nullable(),
    forecast: z
      .strictObject({
        p10: ZIsoDateTime.nullable(),
        p50: ZIsoDateTime.nullable(),
        p90: ZIsoDateTime.nullable(),
        missProbability: z.number().nullable(),
        explanation: z.string().nullable(),
      })
      .nullable(),
    createdAt: ZIsoDateTime,
    startedAt: ZIsoDateTime.nullable(),
    completedAt: ZIsoDateTime.nullable(),
  }),
);
export type TWorkloadView = z.infer<typeof ZWorkloadView>;
