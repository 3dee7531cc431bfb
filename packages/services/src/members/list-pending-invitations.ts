import { prisma } from "@koi/db";
import type { TPendingInvitation } from "./invite-member.schema.ts";

export async function listPendingInvitations(orgId: string, now = new Date()): Promise<TPendingInvitation[]> {
  const invitations = await prisma.invitation.findMany({
    where: { orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    include: { invitedBy: { select: { name: true } } },
    orderBy: { createdAt: "desc" },
  });
  return invitations.map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    expiresAt: i.expiresAt,
    createdAt: i.createdAt,
    invitedByName: i.invitedBy?.name ?? null,
  }));
}
