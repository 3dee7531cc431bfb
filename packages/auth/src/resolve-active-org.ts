import { prisma } from "@koi/db";
import { createPersonalOrg } from "./create-personal-org.ts";

/**
 * The org a session works in: the wanted one if the user is a member of it, else their oldest
 * membership, else (when asked) a new personal org. Never an org the user does not belong to.
 */
export async function resolveActiveOrgId(
  userId: string,
  wantedOrgId: string | null,
  opts: { createIfNone?: boolean; name?: string } = {},
): Promise<string | null> {
  if (wantedOrgId) {
    const m = await prisma.membership.findUnique({ where: { orgId_userId: { orgId: wantedOrgId, userId } } });
    if (m) return m.orgId;
  }
  const first = await prisma.membership.findFirst({ where: { userId }, orderBy: { createdAt: "asc" } });
  if (first) return first.orgId;
  if (!opts.createIfNone) return null;
  const org = await prisma.$transaction((tx) => createPersonalOrg(tx, userId, opts.name ?? "My"));
  return org.id;
}
