import type { Tx, Workload } from "@koi/db";

/**
 * Lock order, everywhere a workload changes: the org's planning lock (only when GPUs are
 * allocated), then the Workload row, then its Assignment rows. Keeping one order avoids deadlocks
 * between plan, ack, report and sweep transactions.
 */
export async function lockOrgPlanning(tx: Tx, orgId: string): Promise<void> {
  // Serialises capacity reads + allocation per org, so two plans never take the same free GPUs.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`koi-plan:${orgId}`}))`;
}

/** The workload under a row lock (null when it does not exist): handlers re-check its status here. */
export async function lockWorkload(tx: Tx, workloadId: string): Promise<Workload | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Workload" WHERE id = ${workloadId} FOR UPDATE`;
  if (!rows.length) return null;
  return tx.workload.findUnique({ where: { id: workloadId } });
}
