import type { Tx } from "@koi/db";

/**
 * Serialises membership changes of one org until the transaction ends, so two owners demoting
 * each other at once cannot both pass the "another owner remains" check.
 */
export async function lockOrg(tx: Tx, orgId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Organization" WHERE id = ${orgId} FOR UPDATE`;
}

export function countOwners(tx: Tx, orgId: string): Promise<number> {
  return tx.membership.count({ where: { orgId, role: "OWNER" } });
}
