import { notFound } from "@koi/core/app-error";
import { recordAudit } from "@koi/core/audit";
import { prisma } from "@koi/db";

/** Revokes a pending invitation of the caller's org; another org's id is NOT_FOUND. */
export async function revokeInvitation(
  actor: { orgId: string; userId: string },
  invitationId: string,
  now = new Date(),
) {
  return prisma.$transaction(async (tx) => {
    const revoked = await tx.invitation.updateMany({
      where: { id: invitationId, orgId: actor.orgId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    if (revoked.count !== 1) throw notFound();
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: invitationId,
    });
    return { invitationId };
  });
}
