import { GPU_FREE_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { prisma } from "@koi/db";
import { placementView } from "../workloads/json-views.ts";

/** GPUs held by (paused and ended assignments have given theirs back) the org's live assignments, by GPU type and market, most first. */
export async function findGpusInUse(orgId: string) {
  const live = await prisma.assignment.findMany({
    where: { orgId, workloadId: { not: null }, state: { notIn: [...GPU_FREE_ASSIGNMENT_STATES] } },
    select: { placement: true },
  });
  const byKey = new Map<string, { gpuType: string; market: string; gpus: number }>();
  for (const a of live) {
    const p = placementView(a.placement);
    if (!p) continue;
    const key = `${p.gpuType}|${p.market}`;
    const row = byKey.get(key) ?? { gpuType: p.gpuType, market: p.market, gpus: 0 };
    row.gpus += p.gpus;
    byKey.set(key, row);
  }
  return [...byKey.values()].sort((a, b) => b.gpus - a.gpus || a.gpuType.localeCompare(b.gpuType));
}
