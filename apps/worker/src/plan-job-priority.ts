import type { Tx } from "@koi/db";

/** BullMQ's lowest priority (a larger number runs later; 0, no priority, runs before any). */
const LOWEST_PRIORITY = 2 ** 21 - 1;

type TPlanRow = { jobName: string; payload: unknown };

/**
 * BullMQ priorities for the `plan-workload` jobs of one relay batch: a workload's place among its
 * organisation's workloads still waiting for a plan (1 for the oldest). Jobs of equal priority run
 * first in, first out, so without this one organisation submitting a thousand workloads makes every
 * other organisation's plan wait behind all of them (plans of one organisation run one at a time,
 * under its planning lock). With it the worker takes the organisations' first waiting workloads in
 * turn, then their second ones: another tenant's plan waits for about one plan, not for the backlog.
 * Returns the priority per workload id; workloads no longer waiting (a stale job) get none.
 */
export async function planJobPriorities(tx: Tx, rows: readonly TPlanRow[]): Promise<Map<string, number>> {
  const workloadIds = rows.flatMap((r) =>
    r.jobName === "plan-workload" ? [(r.payload as { workloadId?: unknown }).workloadId].filter(isString) : [],
  );
  const priorities = new Map<string, number>();
  if (!workloadIds.length) return priorities;
  // The rank within each organisation's waiting workloads, oldest first, for the batch's workloads.
  const ranked = await tx.$queryRaw<{ id: string; rank: bigint }[]>`
    SELECT id, rank FROM (
      SELECT w.id, ROW_NUMBER() OVER (PARTITION BY w."orgId" ORDER BY w."createdAt", w.id) AS rank
      FROM "Workload" w
      WHERE w.status IN ('PENDING', 'PLANNING')
        AND w."orgId" IN (SELECT "orgId" FROM "Workload" WHERE id = ANY(${workloadIds}::text[]))
    ) waiting
    WHERE id = ANY(${workloadIds}::text[])`;
  for (const r of ranked) priorities.set(r.id, Math.min(LOWEST_PRIORITY, Number(r.rank)));
  return priorities;
}

const isString = (v: unknown): v is string => typeof v === "string";
