import type { PrismaClient, Tx } from "@koi/db";
import type { Queue } from "bullmq";

/**
 * Places past this share one priority (first in, first out among them): the rank is counted with
 * the Workload index up to here, so ranking a batch costs at most this many index entries a row.
 */
const MAX_RANK = 1_000;

type TPlanRow = { jobName: string; jobId: string; payload: unknown };

/**
 * BullMQ priorities for the `plan-workload` jobs of one relay batch: a workload's place among its
 * organisation's workloads still waiting for a plan (1 for the oldest). Jobs of equal priority run
 * first in, first out, so without this one organisation submitting a thousand workloads makes every
 * other organisation's plan wait behind all of them (plans of one organisation run one at a time,
 * under its planning lock). With it the worker takes the organisations' first waiting workloads in
 * turn, then their second ones: another tenant's plan waits for about one plan, not for the backlog.
 * Only a submission's own job (`plan-<workloadId>`) is ranked: the plans a sweep or a rebalance asks
 * for again are few and urgent, and run before any ranked job. A rank is not revised as the
 * backlog ahead of it drains; promoteNextPlan moves each organisation's next plan up instead.
 * Returns the priority per workload id; workloads no longer waiting (a stale job) get none.
 */
export async function planJobPriorities(tx: Tx, rows: readonly TPlanRow[]): Promise<Map<string, number>> {
  const workloadIds = rows.flatMap((r) => {
    const id = (r.payload as { workloadId?: unknown } | null)?.workloadId;
    return r.jobName === "plan-workload" && typeof id === "string" && r.jobId === `plan-${id}` ? [id] : [];
  });
  const priorities = new Map<string, number>();
  if (!workloadIds.length) return priorities;
  // The place in its organisation's line: 1 + its waiting workloads submitted before it.
  const ranked = await tx.$queryRaw<{ id: string; ahead: bigint }[]>`
    SELECT w.id, ahead.n AS ahead
    FROM "Workload" w
    CROSS JOIN LATERAL (
      SELECT count(*) AS n FROM (
        SELECT 1 FROM "Workload" o
        WHERE o."orgId" = w."orgId" AND o.status IN ('PENDING', 'PLANNING')
          AND (o."createdAt", o.id) < (w."createdAt", w.id)
        LIMIT ${MAX_RANK - 1}
      ) earlier
    ) ahead
    WHERE w.id = ANY(${workloadIds}::text[]) AND w.status IN ('PENDING', 'PLANNING')`;
  for (const r of ranked) priorities.set(r.id, 1 + Number(r.ahead));
  return priorities;
}

/** How many of an organisation's next waiting workloads are looked at for the one to move up. */
const NEXT_LOOKED_AT = 5;

/**
 * After one of its plans ran: the organisation's next waiting workload's job moves to priority 1,
 * behind the next plans of the other organisations already there (BullMQ puts a job whose priority
 * changes last among its new equals). So every organisation's next plan waits in one first-in,
 * first-out line at priority 1, however long its backlog, and the ranks a job got when it was
 * published (which do not shrink as the backlog drains) stop deciding who goes next. Nothing moves
 * while the organisation already has a plan running or in that line.
 */
export async function promoteNextPlan(
  queue: Pick<Queue, "getJob">,
  db: PrismaClient,
  workloadId: string,
): Promise<"promoted" | "in-line" | "none"> {
  const done = await db.workload.findUnique({ where: { id: workloadId }, select: { orgId: true } });
  if (!done) return "none";
  const next = await db.workload.findMany({
    where: { orgId: done.orgId, status: { in: ["PENDING", "PLANNING"] }, id: { not: workloadId } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: NEXT_LOOKED_AT,
    select: { id: true },
  });
  for (const w of next) {
    const job = await queue.getJob(`plan-${w.id}`);
    if (!job) continue;
    const state = await job.getState();
    if (state === "active" || state === "waiting") return "in-line";
    if (state !== "prioritized") continue;
    if (job.priority <= 1) return "in-line";
    await job.changePriority({ priority: 1 });
    return "promoted";
  }
  return "none";
}
