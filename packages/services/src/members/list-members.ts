import { prisma } from "@koi/db";
import type { TMember } from "./list-members.schema.ts";

export async function listMembers(orgId: string, viewerUserId: string): Promise<TMember[]> {
  const memberships = await prisma.membership.findMany({
    where: { orgId },
    include: { user: { select: { name: true, email: true } } },
    orderBy: { createdAt: "asc" },
  });
  return memberships.map((m) => ({
    membershipId: m.id,
    userId: m.userId,
    name: m.user.name,
    email: m.user.email,
    role: m.role,
    joinedAt: m.createdAt,
    isYou: m.userId === viewerUserId,
  }));
}
