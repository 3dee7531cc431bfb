import { createPersonalOrg } from "@koi/auth/create-personal-org";
import { AppError } from "@koi/core/app-error";
import { recordAudit } from "@koi/core/audit";
import { prisma } from "@koi/db";
import { findWaitlistCompany } from "../waitlist/find-waitlist-company.ts";
import { claimInvitation, findInvitationByToken } from "./find-invitation-by-token.ts";

/** A signed-in user accepts an invitation addressed to their email; returns the org to open. */
export async function acceptInvitation(
  userId: string,
  token: string,
  now = new Date(),
): Promise<{ orgId: string; orgSlug: string }> {
  const invitation = await findInvitationByToken(token, prisma, now);
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { email: true, name: true } });
  if (!user || user.email.toLowerCase() !== invitation.email.toLowerCase()) {
    throw new AppError(
      "FORBIDDEN",
      `This invitation is for ${invitation.email}. Sign in with that email to accept it.`,
    );
  }
  return prisma.$transaction(async (tx) => {
    await claimInvitation(tx, invitation.id, now);
    let org: { id: string; slug: string };
    if (invitation.orgId && invitation.org) {
      // Already a member (e.g. invited twice): keep the role they have rather than silently changing it.
      await tx.membership.upsert({
        where: { orgId_userId: { orgId: invitation.orgId, userId } },
        create: { orgId: invitation.orgId, userId, role: invitation.role },
        update: {},
      });
      org = invitation.org;
    } else {
      const first = await tx.membership.findFirst({
        where: { userId },
        orderBy: { createdAt: "asc" },
        include: { org: true },
      });
      org =
        first?.org ??
        (await createPersonalOrg(tx, userId, user.name ?? user.email, await findWaitlistCompany(tx, invitation.id)));
    }
    await recordAudit(tx, {
      orgId: org.id,
      actorUserId: userId,
      action: "invitation.accepted",
      targetType: "invitation",
      targetId: invitation.id,
      data: { via: "accept", role: invitation.role },
    });
    return { orgId: org.id, orgSlug: org.slug };
  });
}
