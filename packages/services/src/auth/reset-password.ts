import { AppError } from "@koi/core/app-error";
import { recordAudit } from "@koi/core/audit";
import { hashSecretToken } from "@koi/core/secret-token";
import { endSessions } from "@koi/auth/session-version";
import { prisma } from "@koi/db";
import { hashPassword } from "@koi/db/password";

const INVALID_RESET = "This reset link is invalid or has expired. Ask for a new one.";

/**
 * Sets a new password with a valid, unused reset token; every open reset link and every session
 * of the user dies with it (whoever knew the old password is signed out).
 */
export async function resetPassword(token: string, password: string, now = new Date()): Promise<{ email: string }> {
  const reset = await prisma.passwordResetToken.findUnique({
    where: { tokenHash: hashSecretToken(token) },
    include: { user: { select: { email: true } } },
  });
  if (!reset || reset.usedAt || reset.expiresAt.getTime() <= now.getTime())
    throw new AppError("NOT_FOUND", INVALID_RESET);
  const passwordHash = await hashPassword(password);
  await prisma.$transaction(async (tx) => {
    // Conditional claim: of two concurrent uses of one link, only one commits.
    const claimed = await tx.passwordResetToken.updateMany({
      where: { id: reset.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) throw new AppError("NOT_FOUND", INVALID_RESET);
    await tx.passwordResetToken.updateMany({ where: { userId: reset.userId, usedAt: null }, data: { usedAt: now } });
    await tx.user.update({ where: { id: reset.userId }, data: { passwordHash } });
    await endSessions(reset.userId, tx);
    await recordAudit(tx, {
      actorUserId: reset.userId,
      action: "password_reset.completed",
      targetType: "user",
      targetId: reset.userId,
    });
  });
  return { email: reset.user.email };
}
