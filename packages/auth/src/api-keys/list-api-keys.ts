import { prisma } from "@koi/db";

/** The org's keys, newest first, as Settings → API keys lists them (never a hash or a secret). */
export async function findApiKeys(orgId: string) {
  const keys = await prisma.apiKey.findMany({ where: { orgId }, orderBy: { createdAt: "desc" }, take: 200 });
  const creatorIds = [...new Set(keys.map((k) => k.createdById).filter((id): id is string => !!id))];
  const creators = await prisma.user.findMany({
    where: { id: { in: creatorIds } },
    select: { id: true, name: true, email: true },
  });
  const byId = new Map(creators.map((u) => [u.id, u.name ?? u.email]));
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    lastFour: k.lastFour,
    scopes: k.scopes,
    createdAt: k.createdAt,
    createdBy: k.createdById ? (byId.get(k.createdById) ?? null) : null,
    lastUsedAt: k.lastUsedAt,
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
  }));
}
