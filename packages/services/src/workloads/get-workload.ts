import { GPU_FREE_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { ZDecisionKind } from "@koi/contracts/workloads/workloads";
import { prisma } from "@koi/db";
import { getOnlineService } from "../online/get-online-service.ts";
import { findOrgWorkload } from "./find-org-workload.ts";
import { alternativesView, decisionPlanView, metricsView, placementView } from "./json-views.ts";
import { currentCostPerHour, projectCost } from "./project-cost.ts";
import { toWorkloadView } from "./to-workload-view.ts";
import type { TWorkloadDetail } from "./workloads.schema.ts";

/** A workload with its decisions, assignments, forecast history and cost by component; another org's is NOT_FOUND. */
export async function getWorkload(orgId: string, workloadId: string): Promise<TWorkloadDetail> {
  const workload = await findOrgWorkload(orgId, workloadId);
  const [decisions, assignments, points, online] = await Promise.all([
    prisma.decision.findMany({
      where: { orgId, workloadId: workload.id },
      orderBy: { createdAt: "asc" },
      take: 200,
    }),
    prisma.assignment.findMany({
      where: { orgId, workloadId: workload.id },
      orderBy: { createdAt: "asc" },
      include: { agent: { select: { engine: true } } },
    }),
    prisma.forecastPoint.findMany({
      where: { orgId, workloadId: workload.id },
      orderBy: { at: "desc" },
      take: 720,
    }),
    getOnlineService(workload),
  ]);
  const usage = assignments.length
    ? await prisma.usageRecord.groupBy({
        by: ["component"],
        where: { orgId, assignmentId: { in: assignments.map((a) => a.id) } },
        _sum: { costUsd: true, seconds: true },
      })
    : [];
  const gpuFree: readonly string[] = GPU_FREE_ASSIGNMENT_STATES;
  const perHour = currentCostPerHour(assignments.filter((a) => !gpuFree.includes(a.state)));
  return {
    workload: toWorkloadView(workload),
    submittedVia: workload.submittedVia,
    spec: (workload.spec ?? {}) as Record<string, unknown>,
    projectedCostUsd: projectCost(workload, perHour, new Date()),
    currentCostPerHour: perHour,
    decisions: decisions.map((d) => ({
      id: d.id,
      kind: ZDecisionKind.parse(d.kind),
      reason: d.reason,
      createdAt: d.createdAt,
      plan: decisionPlanView(d.plan),
      alternatives: alternativesView(d.alternatives),
    })),
    assignments: assignments.map((a) => ({
      id: a.id,
      agentId: a.agentId,
      engine: a.agent.engine,
      epoch: a.epoch,
      state: a.state,
      placement: placementView(a.placement),
      progressDone: a.progressDone,
      progressTotal: a.progressTotal,
      costUsd: a.costUsd,
      metrics: metricsView(a.latestMetrics),
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    })),
    forecastPoints: points.reverse().map((p) => ({
      at: p.at,
      completed: p.completed,
      total: p.total,
      p10: p.p10,
      p50: p.p50,
      p90: p.p90,
      missProbability: p.missProbability,
    })),
    usageByComponent: usage
      .map((u) => ({ component: u.component, costUsd: u._sum.costUsd ?? 0, seconds: u._sum.seconds ?? 0 }))
      .sort((a, b) => b.costUsd - a.costUsd),
    online,
  };
}
