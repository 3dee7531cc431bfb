import type { Tx } from "@koi/db";

/** The company a person gave when they joined the waitlist that led to this invitation, if any. */
export async function findWaitlistCompany(tx: Tx, invitationId: string): Promise<string | null> {
  const entry = await tx.waitlistEntry.findFirst({ where: { invitationId }, select: { company: true } });
  return entry?.company.trim() || null;
}
