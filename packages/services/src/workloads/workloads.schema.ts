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
});
export type TWorkloadDetail = z.infer<typeof ZWorkloadDetail>;

export { ZWorkloadHealth, ZWorkloadStatus, ZWorkloadView };
