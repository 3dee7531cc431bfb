import { randomUUID } from "node:crypto";
import { recordAudit } from "@koi/core/audit";
import { enqueueViaOutbox } from "@koi/core/outbox";
import { hitRateLimit } from "@koi/core/rate-limit";
import { getRedis } from "@koi/core/redis";
import { prisma } from "@koi/db";
import { PASSWORD_RESET_TTL_MS } from "./invitation-state.ts";

const PER_EMAIL_LIMIT = 3;
const WINDOW_MS = 15 * 60_000;

/**
 * Queues the request and returns nothing either way, so callers cannot tell whether the account
 * exists — not from the answer, and not from its timing: every address costs the same one outbox
 * row, and the account lookup happens in the worker (`startPasswordReset`).
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
  await prisma.$transaction((tx) =>
    enqueueViaOutbox(
      tx,
      "start-password-reset",
      { email, requestedAt: now.toISOString() },
      { jobId: `start-password-reset-${randomUUID()}` },
    ),
  );
}

/**
 * The worker's half of a request: for an account, a reset row (valid from the request) whose email
 * is queued in the same transaction; the worker makes the token. Safe to run twice: a request makes
 * one row (matched by its time). Null when no account has that address.
 */
export async function startPasswordReset(email: string, requestedAt: Date): Promise<{ resetId: string } | null> {
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true } });
  if (!user) return null;
  return prisma.$transaction(async (tx) => {
    const done = await tx.passwordResetToken.findFirst({ where: { userId: user.id, createdAt: requestedAt } });
    if (done) return { resetId: done.id };
    const reset = await tx.passwordResetToken.create({
      data: {
        userId: user.id,
        createdAt: requestedAt,
        expiresAt: new Date(requestedAt.getTime() + PASSWORD_RESET_TTL_MS),
      },
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
    return { resetId: reset.id };
  });
}
