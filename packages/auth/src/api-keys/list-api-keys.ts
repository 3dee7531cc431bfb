import { prisma } from "@koi/db";

/**
 * The org's keys, newest first, as Settings → API keys lists them (never a hash or a secret). A key
 * belongs to the org and outlives its creator's membership (agents run on it), so a key whose
 * creator has left or been removed is marked for the owners to rotate.
 */
export async function findApiKeys(orgId: string) {
  const keys = await prisma.apiKey.findMany({ where: { orgId }, orderBy: { createdAt: "desc" }, take: 200 });
  const creatorIds = [...new Set(keys.map((k) => k.createdById).filter((id): id is string => !!id))];
  const [creators, members] = await Promise.all([
    prisma.user.findMany({ where: { id: { in: creatorIds } }, select: { id: true, name: true, email: true } }),
    prisma.membership.findMany({ where: { orgId, userId: { in: creatorIds } }, select: { userId: true } }),
  ]);
  const byId = new Map(creators.map((u) => [u.id, u.name ?? u.email]));
  const stillMembers = new Set(members.map((m) => m.userId));
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    lastFour: k.lastFour,
    scopes: k.scopes,
    createdAt: k.createdAt,
    createdBy: k.createdById ? (byId.get(k.createdById) ?? null) : null,
    creatorLeft: k.createdById !== null && !stillMembers.has(k.createdById),
    lastUsedAt: k.lastUsedAt,
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
  }));
}
