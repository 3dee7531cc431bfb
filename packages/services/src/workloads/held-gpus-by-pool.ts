import { GPU_FREE_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { prisma, type Tx } from "@koi/db";

/**
 * GPUs the org's live assignments hold, by GpuPool id (placement `poolId` × GPUs). GPUs a job paused
 * to lend to an urgent workload stay held for that workload until it is placed (`forWorkloadId`
 * sees them free).
 */
export async function heldGpusByPool(
  orgId: string,
  opts: { db?: Tx; forWorkloadId?: string } = {},
): Promise<Map<string, number>> {
  const held = await (opts.db ?? prisma).$queryRaw<{ poolId: string; gpus: number }[]>`
    SELECT placement->>'poolId' AS "poolId", SUM(COALESCE((placement->>'gpus')::int, 0))::int AS gpus
    FROM "Assignment" a
    WHERE "orgId" = ${orgId} AND "workloadId" IS NOT NULL AND (
      NOT (state = ANY(${[...GPU_FREE_ASSIGNMENT_STATES]}::text[]))
      OR (state = 'paused' AND EXISTS (
        SELECT 1 FROM "Decision" d JOIN "Workload" u ON u.id = d.inputs->>'urgentWorkloadId'
        WHERE d."orgId" = ${orgId} AND d.kind = 'rebalance_pause' AND d.inputs->>'assignmentId' = a.id
          AND u.status IN ('PENDING', 'PLANNING') AND u.id <> ${opts.forWorkloadId ?? ""})))
    GROUP BY 1`;
  return new Map(held.map((h) => [h.poolId, Number(h.gpus)]));
}

/**
 * GPUs of a pool free for a new plan. The engine's `available` already leaves out GPUs its running
 * jobs use, but not GPUs Koi has just placed that are still launching; total − held covers those.
 * Subtracting held from `available` would count running jobs twice.
 */
export function freeGpus(pool: { total: number; available: number }, held: number): number {
  return Math.max(0, Math.min(pool.available, pool.total - held));
}
