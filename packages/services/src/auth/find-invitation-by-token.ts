import { AppError } from "@koi/core/app-error";
import { hashSecretToken } from "@koi/core/secret-token";
import { prisma, type Tx } from "@koi/db";
import { invitationState } from "./invitation-state.ts";

// One message for unknown, used, revoked and expired links: the holder learns nothing more.
export const INVALID_INVITATION = "This invitation link is invalid or has expired. Ask for a new one.";

/** The still-valid invitation behind an emailed token, or NOT_FOUND. */
export async function findInvitationByToken(token: string, db: Tx = prisma, now = new Date()) {
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashSecretToken(token) },
    include: { org: { select: { id: true, name: true, slug: true } } },
  });
  if (!invitation || invitationState(invitation, now) !== "valid") throw new AppError("NOT_FOUND", INVALID_INVITATION);
  return invitation;
}

/**
 * Marks the invitation accepted inside the caller's transaction. The conditional update makes two
 * concurrent uses of one link race safely: only one of them gets count 1, the other rolls back.
 */
export async function claimInvitation(tx: Tx, invitationId: string, now: Date): Promise<void> {
  const claimed = await tx.invitation.updateMany({
    where: { id: invitationId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now },
  });
  if (claimed.count !== 1) throw new AppError("NOT_FOUND", INVALID_INVITATION);
}
