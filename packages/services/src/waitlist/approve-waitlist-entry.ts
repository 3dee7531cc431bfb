import { AppError, notFound } from "@koi/core/app-error";
import { recordAudit } from "@koi/core/audit";
import { enqueueViaOutbox } from "@koi/core/outbox";
import { prisma } from "@koi/db";

const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

/**
 * Approves a confirmed entry: in one transaction the entry becomes APPROVED, an invitation to Koi
 * itself (no org; accepting it creates the user's own org) is created, its email is queued via the
 * outbox, and the decision is audited. Only CONFIRMED entries qualify: an unconfirmed address may
 * be a typo or someone else's, and an invite is worth more than a confirmation mail.
 * Approving again is a no-op; two staff clicking at once still create one invitation, because the
 * conditional update takes the row lock and the loser sees the status already changed.
 */
export async function approveWaitlistEntry(entryId: string, staffUserId: string) {
  return prisma.$transaction(async (tx) => {
    const entry = await tx.waitlistEntry.findUnique({
      where: { id: entryId },
      select: { id: true, email: true, status: true },
    });
    if (!entry) throw notFound("No such waitlist entry.");
    if (entry.status === "PENDING") throw new AppError("CONFLICT", "This person has not confirmed their email yet.");

    const now = new Date();
    const claimed = await tx.waitlistEntry.updateMany({
      where: { id: entryId, status: "CONFIRMED" },
      data: { status: "APPROVED", approvedAt: now, approvedById: staffUserId },
    });
    if (claimed.count === 0) {
      const current = await tx.waitlistEntry.findUniqueOrThrow({
        where: { id: entryId },
        select: { invitationId: true },
      });
      return { status: "APPROVED" as const, invitationId: current.invitationId, alreadyApproved: true };
    }

    const invitation = await tx.invitation.create({
      data: {
        orgId: null,
        email: entry.email,
        role: "OWNER",
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        invitedById: staffUserId,
      },
      select: { id: true },
    });
    await tx.waitlistEntry.update({ where: { id: entryId }, data: { invitationId: invitation.id } });
    await enqueueViaOutbox(
      tx,
      "send-invitation",
      { invitationId: invitation.id },
      { jobId: `invite-${invitation.id}` },
    );
    await recordAudit(tx, {
      actorUserId: staffUserId,
      action: "waitlist.approved",
      targetType: "WaitlistEntry",
      targetId: entryId,
      data: { email: entry.email, invitationId: invitation.id },
    });
    return { status: "APPROVED" as const, invitationId: invitation.id, alreadyApproved: false };
  });
}
