import { roleAtLeast } from "@koi/auth/roles";
import { recordAudit } from "@koi/core/audit";
import type { Tx } from "@koi/db";
import type { TRole } from "./role.schema.ts";

/**
 * Revokes the pending invitations a member sent that they could no longer send: all of them once
 * they leave the org (`role` null), those of any role once they are no longer an admin, and those
 * for owners once they are no longer an owner. Otherwise a removed or demoted admin's invitation
 * still made someone an admin afterwards. Each is audited like a revocation by hand.
 */
export async function revokeSenderInvitations(
  tx: Tx,
  actor: { orgId: string; userId: string },
  sender: { userId: string; role: TRole | null },
  now = new Date(),
): Promise<void> {
  if (sender.role === "OWNER") return;
  const mayInvite = sender.role !== null && roleAtLeast(sender.role, "ADMIN");
  const pending = await tx.invitation.findMany({
    where: {
      orgId: actor.orgId,
      invitedById: sender.userId,
      acceptedAt: null,
      revokedAt: null,
      expiresAt: { gt: now },
      // An admin may still send every invitation but an owner's.
      ...(mayInvite ? { role: "OWNER" as const } : {}),
    },
    select: { id: true },
  });
  if (pending.length === 0) return;
  await tx.invitation.updateMany({ where: { id: { in: pending.map((p) => p.id) } }, data: { revokedAt: now } });
  for (const { id } of pending)
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: id,
      data: { reason: sender.role === null ? "sender left the organization" : "sender's role changed" },
    });
}
