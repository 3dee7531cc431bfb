import { GPU_FREE_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { prisma } from "@koi/db";
import { placementView } from "../workloads/json-views.ts";

/**
 * GPUs held by (paused and ended assignments have given theirs back) the org's live assignments, by
 * GPU type and market, most first.
 */
export async function findGpusInUse(orgId: string) {
  const live = await prisma.assignment.findMany({
    where: { orgId, workloadId: { not: null }, state: { notIn: [...GPU_FREE_ASSIGNMENT_STATES] } },
    select: { id: true, placement: true, workload: { select: { kind: true } } },
  });
  // An online service holds the spot replicas it last reported (Tuna's serverless side holds none
  // between requests); before its first sample, its placement.
  const online = live.filter((a) => a.workload?.kind === "online").map((a) => a.id);
  const latest = online.length
    ? await prisma.onlineSample.findMany({
        where: { orgId, assignmentId: { in: online } },
        orderBy: { engineAt: "desc" },
        distinct: ["assignmentId"],
        select: { assignmentId: true, spotReplicas: true },
      })
    : [];
  const replicasOf = new Map(latest.map((s) => [s.assignmentId, s.spotReplicas]));
  const byKey = new Map<string, { gpuType: string; market: string; gpus: number }>();
  const add = (gpuType: string, market: string, gpus: number) => {
    const key = `${gpuType}|${market}`;
    const row = byKey.get(key) ?? { gpuType, market, gpus: 0 };
    row.gpus += gpus;
    byKey.set(key, row);
  };
  for (const a of live) {
    const p = placementView(a.placement);
    if (!p) continue;
    const replicas = replicasOf.get(a.id);
    if (replicas === undefined || replicas === null) add(p.gpuType, p.market, p.gpus);
    else if (replicas > 0) add(p.gpuType, "spot", replicas * p.tp);
  }
  return [...byKey.values()].sort((a, b) => b.gpus - a.gpus || a.gpuType.localeCompare(b.gpuType));
}
