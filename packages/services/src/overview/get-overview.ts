import { z } from "zod";
import { TERMINAL_WORKLOAD_STATUSES } from "@koi/contracts/workloads/workloads";
import { prisma } from "@koi/db";
import { computeSavings, SAVINGS_FORMULA } from "../costs/compute-savings.ts";
import { findGpusInUse } from "../costs/find-gpus-in-use.ts";

const ZSavingsView = z.object({
  actualUsd: z.number(),
  onDemandBaselineUsd: z.number(),
  serverlessBaselineUsd: z.number(),
  savedVsOnDemandUsd: z.number(),
  savedVsServerlessUsd: z.number(),
  gpuSeconds: z.number(),
  formula: z.string(),
});

export const ZOverview = z.object({
  hasData: z.boolean(),
  gpusInUse: z.array(z.object({ gpuType: z.string(), market: z.string(), gpus: z.number() })),
  totalGpusInUse: z.number(),
  spendTodayUsd: z.number(),
  spendMonthUsd: z.number(),
  savingsMonth: ZSavingsView,
  health: z.object({
    onTrack: z.number(),
    atRisk: z.number(),
    late: z.number(),
    unknown: z.number(),
    active: z.number(),
    /** Online services among the active workloads, judged against their latency SLO. */
    services: z.object({ active: z.number(), withinSlo: z.number(), atRisk: z.number() }),
  }),
  asOf: z.date(),
});
export type TOverview = z.infer<typeof ZOverview>;

/** Start of today and of this month, UTC. */
export function periodStarts(now: Date) {
  return {
    day: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())),
    month: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
  };
}

/** The overview page: GPUs in use, spend today and this month, savings, and workload health. */
export async function getOverview(orgId: string, now = new Date()): Promise<TOverview> {
  const { day, month } = periodStarts(now);
  const [gpusInUse, today, monthGroups, health, agents, workloads] = await Promise.all([
    findGpusInUse(orgId),
    prisma.usageRecord.aggregate({ where: { orgId, at: { gte: day } }, _sum: { costUsd: true } }),
    prisma.usageRecord.groupBy({
      by: ["component", "gpuType"],
      where: { orgId, at: { gte: month } },
      _sum: { costUsd: true, seconds: true },
    }),
    prisma.workload.groupBy({
      by: ["health", "kind"],
      where: { orgId, status: { notIn: [...TERMINAL_WORKLOAD_STATUSES] } },
      _count: { _all: true },
    }),
    prisma.agent.count({ where: { orgId } }),
    prisma.workload.count({ where: { orgId } }),
  ]);
  const savings = computeSavings(
    monthGroups.map((g) => ({
      component: g.component,
      gpuType: g.gpuType,
      seconds: g._sum.seconds ?? 0,
      costUsd: g._sum.costUsd ?? 0,
    })),
  );
  const count = (h: string, kind?: string) =>
    health.filter((x) => x.health === h && (!kind || x.kind === kind)).reduce((s, x) => s + x._count._all, 0);
  return {
    hasData: agents > 0 || workloads > 0 || monthGroups.length > 0,
    gpusInUse,
    totalGpusInUse: gpusInUse.reduce((s, g) => s + g.gpus, 0),
    spendTodayUsd: today._sum.costUsd ?? 0,
    spendMonthUsd: savings.actualUsd,
    savingsMonth: { ...savings, formula: SAVINGS_FORMULA },
    health: {
      onTrack: count("ON_TRACK"),
      atRisk: count("AT_RISK"),
      late: count("LATE"),
      unknown: count("UNKNOWN"),
      active: health.reduce((s, h) => s + h._count._all, 0),
      services: {
        active: health.filter((h) => h.kind === "online").reduce((s, h) => s + h._count._all, 0),
        withinSlo: count("ON_TRACK", "online"),
        atRisk: count("AT_RISK", "online"),
      },
    },
    asOf: now,
  };
}
