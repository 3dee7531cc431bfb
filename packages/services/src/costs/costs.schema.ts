import { z } from "zod";

export const COST_RANGES = { "24h": 24, "7d": 7 * 24, "30d": 30 * 24 } as const;
export const ZCostRange = z.enum(["24h", "7d", "30d"]);
export type TCostRange = z.infer<typeof ZCostRange>;
export const ZCostsInput = z
  .object({ range: ZCostRange.default("7d") })
  .strict()
  .default({ range: "7d" });

const component = {
  spot: z.number(),
  serverless: z.number(),
  "on-demand": z.number(),
  reserved: z.number(),
  "on-prem": z.number(),
  router: z.number(),
};

export const ZCosts = z.object({
  range: ZCostRange,
  from: z.date(),
  to: z.date(),
  bucket: z.enum(["minute", "hour", "day"]),
  /** Where the chart starts: the range's start, or its first spend (see chooseChartWindow). */
  chartFrom: z.date(),
  buckets: z.array(z.object({ start: z.date(), totalUsd: z.number(), ...component })),
  byComponent: z.object(component),
  totalUsd: z.number(),
  savings: z.object({
    actualUsd: z.number(),
    onDemandBaselineUsd: z.number(),
    serverlessBaselineUsd: z.number(),
    savedVsOnDemandUsd: z.number(),
    savedVsServerlessUsd: z.number(),
    gpuSeconds: z.number(),
    formula: z.string(),
  }),
  workloads: z.array(
    z.object({
      workloadId: z.string().nullable(),
      name: z.string(),
      kind: z.string().nullable(),
      status: z.string().nullable(),
      costUsd: z.number(),
      gpuSeconds: z.number(),
      budgetUsd: z.number().nullable(),
      predictedCostUsd: z.number().nullable(),
    }),
  ),
  /** Agent reports whose usage Koi did not bill because it cannot be true (agents/usage-plausibility.ts). */
  usageRefused: z.object({
    reports: z.number(),
    latest: z
      .object({
        at: z.date(),
        agent: z.object({ id: z.string(), label: z.string() }).nullable(),
        reason: z.string(),
      })
      .nullable(),
  }),
});

export type TCosts = z.infer<typeof ZCosts>;

export const ZCostExportRow = z.object({
  at: z.date(),
  component: z.string(),
  gpuType: z.string().nullable(),
  seconds: z.number(),
  requests: z.number().nullable(),
  costUsd: z.number(),
  workloadId: z.string().nullable(),
  workloadName: z.string().nullable(),
  assignmentId: z.string().nullable(),
});
export type TCostExportRow = z.infer<typeof ZCostExportRow>;
