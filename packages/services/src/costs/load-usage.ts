import { prisma } from "@koi/db";
import { COST_RANGES, type TCostRange } from "./costs.schema.ts";

export const MAX_USAGE_ROWS = 100_000;

export function rangeWindow(range: TCostRange, now = new Date()) {
  return { from: new Date(now.getTime() - COST_RANGES[range] * 3_600_000), to: now };
}

/** The org's usage rows in the window, with the workload each one's assignment ran for. */
export async function loadUsage(orgId: string, from: Date, to: Date) {
  const rows = await prisma.usageRecord.findMany({
    where: { orgId, at: { gte: from, lt: to } },
    orderBy: { at: "asc" },
    take: MAX_USAGE_ROWS,
    select: {
      at: true,
      component: true,
      gpuType: true,
      seconds: true,
      requests: true,
      costUsd: true,
      assignmentId: true,
    },
  });
  const assignmentIds = [...new Set(rows.map((r) => r.assignmentId).filter((id): id is string => !!id))];
  const assignments = assignmentIds.length
    ? await prisma.assignment.findMany({
        where: { orgId, id: { in: assignmentIds } },
        select: {
          id: true,
          workload: {
            select: { id: true, name: true, kind: true, status: true, budgetUsd: true, predictedCostUsd: true },
          },
        },
      })
    : [];
  const workloadOf = new Map(assignments.map((a) => [a.id, a.workload]));
  return rows.map((r) => ({ ...r, workload: r.assignmentId ? (workloadOf.get(r.assignmentId) ?? null) : null }));
}
