import { z } from "zod";
import { named } from "../registry.ts";
import { ZWorkloadStatus, ZWorkloadView } from "./workloads.ts";

/** `GET /api/v1/workloads` query: filters and keyset pagination (newest first). */
export const ZWorkloadListQuery = z.strictObject({
  status: z.array(ZWorkloadStatus).max(8).optional(),
  kind: z.enum(["batch", "online"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(200).optional(),
});
export type TWorkloadListQuery = z.infer<typeof ZWorkloadListQuery>;

export const ZWorkloadList = named(
  "WorkloadList",
  z.strictObject({ items: z.array(ZWorkloadView), nextCursor: z.string().nullable() }),
  "A page of workloads, newest first; pass `nextCursor` as `cursor` for the next page (null = last page).",
);
export type TWorkloadList = z.infer<typeof ZWorkloadList>;

const ZMarketName = z.enum(["on-demand", "spot", "reserved", "on-prem", "serverless"]);
const ZReplicaGroup = z.object({
  poolId: z.string(),
  gpuType: z.string(),
  market: ZMarketName,
  tp: z.number(),
  count: z.number(),
  role: z.enum(["both", "prefill", "decode"]),
  /** Pipeline stages per replica; each replica uses `tp` × `pp` GPUs. */
  pp: z.number().optional(),
  /** Whole machines the group rents when the pool's instance shape is known (billed per machine). */
  machines: z.number().optional(),
  instanceType: z.string().optional(),
});
const planOption = {
  replicas: z.array(ZReplicaGroup),
  gpus: z.number(),
  costPerHour: z.number(),
  /** Batch: hours to finish, start-up included, at the model's median. */
  predictedHours: z.number().optional(),
  /** Batch: the same at the model's P90; the plan meets the deadline at this figure. */
  predictedHoursP90: z.number().optional(),
  /** Hours until the slowest replica serves: provisioning plus model load. */
  startupHours: z.number().optional(),
  predictedLatency: z.object({ ttftMs: z.number(), tpotMs: z.number() }).optional(),
  totalCost: z.number(),
  tokensPerSecond: z.number(),
};

/**
 * The planner's `TPlan`, as `koi plan --json` prints it. A response schema: unknown fields are
 * stripped rather than refused, so a planner that learns a new figure never turns into a 500.
 */
export const ZPlanView = named(
  "Plan",
  z.object({
    ...planOption,
    feasible: z.boolean(),
    engine: z.enum(["orca", "tuna"]),
    kind: z.enum(["batch", "online"]),
    alternatives: z.array(z.object({ ...planOption, costDelta: z.number(), summary: z.string() })),
    reason: z.string(),
    binding: z
      .object({
        constraint: z.enum([
          "deadline",
          "availability",
          "quota",
          "memory-fit",
          "budget",
          "max-gpus",
          "latency",
          "unknown-gpu",
        ]),
        detail: z.string(),
        bestAchievableHours: z.number().optional(),
        bestAchievableRequestsPerSecond: z.number().optional(),
      })
      .optional(),
    /**
     * What submitting it now would do: dispatch it, wait for GPUs that are busy (it is planned
     * again as they free up), or fail it at once because no capacity it may use can ever meet it.
     */
    onSubmit: z.enum(["dispatch", "wait", "fail"]).optional(),
  }),
  "What Koi would run for a workload on the org's live capacity now (dry run: nothing is submitted).",
);
export type TPlanView = z.infer<typeof ZPlanView>;

/** `POST /api/v1/workloads/{id}/cancel` takes no fields; an empty object keeps Idempotency-Key hashing simple. */
export const ZCancelWorkloadRequest = named("CancelWorkloadRequest", z.strictObject({}));
