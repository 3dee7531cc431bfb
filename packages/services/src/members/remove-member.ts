import { endSessions } from "@koi/auth/session-version";
import { notFound } from "@koi/core/app-error";
import { recordAudit } from "@koi/core/audit";
import { prisma } from "@koi/db";
import type { TRole } from "./role.schema.ts";
import { countOwners, lockOrg } from "./lock-org.ts";
import { removalRefusal } from "./membership-rules.ts";
import { revokeSenderInvitations } from "./revoke-sender-invitations.ts";

/**
 * Removes a member, or the caller themself (leaving). The org always keeps an owner. A removed
 * member's sessions end, so nothing they had open keeps acting (leaving keeps the caller signed in),
 * and the invitations they sent and nobody accepted yet are revoked.
 */
export async function removeMember(actor: { orgId: string; userId: string; role: TRole }, membershipId: string) {
  return prisma.$transaction(async (tx) => {
    await lockOrg(tx, actor.orgId);
    const target = await tx.membership.findFirst({ where: { id: membershipId, orgId: actor.orgId } });
    if (!target) throw notFound();
    const isSelf = target.userId === actor.userId;
    const refusal = removalRefusal({
      actorRole: actor.role,
      isSelf,
      targetRole: target.role,
      ownerCount: await countOwners(tx, actor.orgId),
    });
    if (refusal) throw refusal;
    await tx.membership.delete({ where: { id: target.id } });
    if (!isSelf) await endSessions(target.userId, tx);
    await revokeSenderInvitations(tx, actor, { userId: target.userId, role: null });
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      action: isSelf ? "member.left" : "member.removed",
      targetType: "membership",
      targetId: target.id,
      data: { userId: target.userId, role: target.role },
    });
    return { left: isSelf };
  });
}
