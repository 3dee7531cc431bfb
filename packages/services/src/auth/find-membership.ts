import { prisma, type Membership } from "@koi/db";

/** The user's membership of the org, or null; checked on every org-scoped call so removal takes effect at once. */
export function findMembership(orgId: string, userId: string): Promise<Membership | null> {
  return prisma.membership.findUnique({ where: { orgId_userId: { orgId, userId } } });
}
