import { z } from "zod";
import { ZDecisionKind, ZWorkloadHealth, ZWorkloadStatus, ZWorkloadView } from "@koi/contracts/workloads/workloads";

export const ZListWorkloadsInput = z
  .object({
    status: ZWorkloadStatus.optional(),
    kind: z.enum(["batch", "online"]).optional(),
    search: z.string().trim().max(120).optional(),
  })
  .strict()
  .default({});
export type TListWorkloadsInput = z.output<typeof ZListWorkloadsInput>;

export const ZWorkloadIdInput = z.object({ workloadId: z.string().min(1).max(64) }).strict();

export const ZPlacementView = z.object({
  gpuType: z.string(),
  market: z.string(),
  tp: z.number(),
  pp: z.number(),
  replicas: z.number(),
  gpus: z.number(),
});
export type TPlacementView = z.infer<typeof ZPlacementView>;

export const ZAlternativeView = z.object({
  summary: z.string(),
  gpus: z.number().nullable(),
  costPerHour: z.number().nullable(),
  totalCost: z.number().nullable(),
  costDelta: z.number().nullable(),
  predictedHours: z.number().nullable(),
});

export const ZDecisionView = z.object({
  id: z.string(),
  kind: ZDecisionKind,
  reason: z.string(),
  createdAt: z.date(),
  plan: z.object({
    gpus: z.number().nullable(),
    costPerHour: z.number().nullable(),
    totalCost: z.number().nullable(),
    predictedHours: z.number().nullable(),
    summary: z.string().nullable(),
  }),
  alternatives: z.array(ZAlternativeView),
});

export const ZMetricsView = z.object({
  tokensPerSecond: z.number().nullable(),
  outputTokensPerSecond: z.number().nullable(),
  gpuUtilPct: z.number().nullable(),
  batchSize: z.number().nullable(),
  kvCacheHitRate: z.number().nullable(),
  ttftMsP95: z.number().nullable(),
  tpotMsP95: z.number().nullable(),
  replicasLive: z.number().nullable(),
  replicasTotal: z.number().nullable(),
  pctSpot: z.number().nullable(),
  at: z.string().nullable(),
});
export type TMetricsView = z.infer<typeof ZMetricsView>;

export const ZAssignmentView = z.object({
  id: z.string(),
  agentId: z.string(),
  engine: z.string(),
  epoch: z.number(),
  state: z.string(),
  placement: ZPlacementView.nullable(),
  progressDone: z.number(),
  progressTotal: z.number(),
  costUsd: z.number(),
  metrics: ZMetricsView,
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const ZForecastPointView = z.object({
  at: z.date(),
  completed: z.number(),
  total: z.number(),
  p10: z.date().nullable(),
  p50: z.date().nullable(),
  p90: z.date().nullable(),
  missProbability: z.number().nullable(),
});

const ZPolicyView = z.object({
  spot: z.object({ min_replicas: z.number(), max_replicas: z.number(), target_qps: z.number() }).passthrough(),
  serverless: z.object({ concurrency: z.number(), workers_min: z.number(), workers_max: z.number() }).passthrough(),
});

/** An online service's page: samples, forecast band, SLO health and the policy in force (see services/online). */
export const ZOnlineServiceView = z.object({
  targets: z.object({ ttftP95Ms: z.number(), tpotP95Ms: z.number() }),
  expectedRps: z.number(),
  policy: ZPolicyView.nullable(),
  /** The engine refused the newest scaling policy Koi sent (it runs the one it was deployed with). */
  policyRefused: z.object({ detail: z.string(), at: z.date() }).nullable(),
  health: z.object({ status: z.enum(["ON_TRACK", "AT_RISK"]), reasons: z.array(z.string()) }).nullable(),
  plan: z
    .object({
      feasible: z.boolean(),
      costPerHour: z.number(),
      ratePerReplica: z.number(),
      gpuType: z.string().nullable(),
      predictedLatency: z.object({ ttftP95Ms: z.number().nullable(), tpotP95Ms: z.number().nullable() }),
      binding: z.string().nullable(),
    })
    .nullable(),
  /** Engine seconds per real second (a fast simulator's compressed day shows here). */
  clockRate: z.number(),
  plannedAt: z.date().nullable(),
  forecast: z
    .object({
      basis: z.string(),
      explanation: z.string(),
      points: z.array(z.object({ start: z.date(), end: z.date(), p10: z.number(), p50: z.number(), p90: z.number() })),
    })
    .nullable(),
  samples: z.array(
    z.object({
      at: z.date(),
      requestsPerSecond: z.number(),
      tokensPerSecond: z.number(),
      ttftP95Ms: z.number().nullable(),
      tpotP95Ms: z.number().nullable(),
      spotReplicas: z.number().nullable(),
      spotGpuType: z.string().nullable(),
      pctSpot: z.number(),
      serverlessConcurrency: z.number().nullable(),
      costPerHour: z.number(),
    }),
  ),
  costPerHour: z.number().nullable(),
  costPerMillionTokens: z.number().nullable(),
});
export type TOnlineServiceView = z.infer<typeof ZOnlineServiceView>;

export const ZWorkloadDetail = z.object({
  workload: ZWorkloadView,
  submittedVia: z.string(),
  spec: z.record(z.string(), z.unknown()),
  /** Batch: spent so far + the current $/h until the P50 finish (see project-cost.ts); online: null. */
  projectedCostUsd: z.number().nullable(),
  /** What the live placements cost per hour now (after any scaling); null when unknown. */
  currentCostPerHour: z.number().nullable(),
  decisions: z.array(ZDecisionView),
  assignments: z.array(ZAssignmentView),
  forecastPoints: z.array(ZForecastPointView),
  usageByComponent: z.array(z.object({ component: z.string(), costUsd: z.number(), seconds: z.number() })),
  online: ZOnlineServiceView.nullable(),
});
export type TWorkloadDetail = z.infer<typeof ZWorkloadDetail>;

export { ZWorkloadHealth, ZWorkloadStatus, ZWorkloadView };
