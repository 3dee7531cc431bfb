import { recordAudit } from "@koi/core/audit";
import { enqueueViaOutbox } from "@koi/core/outbox";
import { hitRateLimit } from "@koi/core/rate-limit";
import { getRedis } from "@koi/core/redis";
import { prisma } from "@koi/db";
import { PASSWORD_RESET_TTL_MS } from "./invitation-state.ts";

const PER_EMAIL_LIMIT = 3;
const WINDOW_MS = 15 * 60_000;

/**
 * Creates a reset row and queues its email in one transaction; the worker makes the token.
 * Returns nothing either way, so callers cannot tell whether the account exists.
 */
export async function requestPasswordReset(email: string, now = new Date()): Promise<void> {
  // Past a few per inbox we stay silent instead of answering 429: mail-bombing one inbox stops,
  // and the answer still does not depend on the email.
  const perEmail = await hitRateLimit(
    getRedis(),
    "password-reset-email",
    email,
    PER_EMAIL_LIMIT,
    WINDOW_MS,
    now.getTime(),
  );
  if (!perEmail.allowed) return;
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true } });
  if (!user) return;
  await prisma.$transaction(async (tx) => {
    const reset = await tx.passwordResetToken.create({
      data: { userId: user.id, expiresAt: new Date(now.getTime() + PASSWORD_RESET_TTL_MS) },
    });
    await enqueueViaOutbox(
      tx,
      "send-password-reset",
      { resetId: reset.id },
      { jobId: `send-password-reset-${reset.id}` },
    );
    await recordAudit(tx, {
      actorUserId: user.id,
      action: "password_reset.requested",
      targetType: "user",
      targetId: user.id,
    });
  });
}
