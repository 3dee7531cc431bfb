import { notFound } from "@koi/core/app-error";
import { recordAudit } from "@koi/core/audit";
import { prisma } from "@koi/db";
import type { TChangeMemberRoleInput } from "./change-member-role.schema.ts";
import type { TRole } from "./role.schema.ts";
import { countOwners, lockOrg } from "./lock-org.ts";
import { roleChangeRefusal } from "./membership-rules.ts";
import { revokeSenderInvitations } from "./revoke-sender-invitations.ts";

/** Changes a member's role; the invitations they sent that the new role could not send are revoked. */
export async function changeMemberRole(
  actor: { orgId: string; userId: string; role: TRole },
  input: TChangeMemberRoleInput,
) {
  return prisma.$transaction(async (tx) => {
    await lockOrg(tx, actor.orgId);
    const target = await tx.membership.findFirst({ where: { id: input.membershipId, orgId: actor.orgId } });
    if (!target) throw notFound();
    if (target.role === input.role) return { membershipId: target.id, role: target.role };
    const refusal = roleChangeRefusal({
      actorRole: actor.role,
      currentRole: target.role,
      newRole: input.role,
      ownerCount: await countOwners(tx, actor.orgId),
    });
    if (refusal) throw refusal;
    await tx.membership.update({ where: { id: target.id }, data: { role: input.role } });
    await revokeSenderInvitations(tx, actor, { userId: target.userId, role: input.role });
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      action: "member.role_changed",
      targetType: "membership",
      targetId: target.id,
      data: { userId: target.userId, from: target.role, to: input.role },
    });
    return { membershipId: target.id, role: input.role };
  });
}
