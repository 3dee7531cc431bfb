import { AppError } from "@koi/core/app-error";
import { recordAudit } from "@koi/core/audit";
import { enqueueViaOutbox } from "@koi/core/outbox";
import { prisma } from "@koi/db";
import type { TInviteMemberInput, TPendingInvitation } from "./invite-member.schema.ts";
import type { TRole } from "./role.schema.ts";
import { INVITATION_TTL_MS } from "../auth/invitation-state.ts";
import { inviteRefusal } from "./membership-rules.ts";

type TActor = { orgId: string; userId: string; role: TRole };

/**
 * Creates the invitation and queues its email in one transaction (the worker makes the token).
 * Inviting an address with a pending invitation replaces it: the new email is the one that works.
 */
export async function inviteMember(
  actor: TActor,
  input: TInviteMemberInput,
  now = new Date(),
): Promise<TPendingInvitation> {
  const refusal = inviteRefusal({ actorRole: actor.role, role: input.role });
  if (refusal) throw refusal;
  return prisma.$transaction(async (tx) => {
    const existing = await tx.membership.findFirst({
      where: { orgId: actor.orgId, user: { email: { equals: input.email, mode: "insensitive" } } },
      select: { id: true },
    });
    if (existing)
      throw new AppError("CONFLICT", `${input.email} is already a member.`, {
        fields: { email: "Already a member of this organization." },
      });
    await tx.invitation.updateMany({
      where: { orgId: actor.orgId, email: input.email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const invitation = await tx.invitation.create({
      data: {
        orgId: actor.orgId,
        email: input.email,
        role: input.role,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        invitedById: actor.userId,
      },
      include: { invitedBy: { select: { name: true } } },
    });
    await enqueueViaOutbox(
      tx,
      "send-invitation",
      { invitationId: invitation.id },
      { jobId: `send-invitation-${invitation.id}`, orgId: actor.orgId },
    );
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      action: "member.invited",
      targetType: "invitation",
      targetId: invitation.id,
      data: { email: input.email, role: input.role },
    });
    return {
      id: invitation.id,
      email: invitation.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt,
      createdAt: invitation.createdAt,
      invitedByName: invitation.invitedBy?.name ?? null,
    };
  });
}
