import { AppError } from "@koi/core/app-error";
import { hashSecretToken } from "@koi/core/secret-token";
import { prisma } from "@koi/db";

export const INVALID_CONFIRM_LINK =
  "This confirmation link is not valid. Check that you opened the whole link from the latest email.";

/**
 * Marks the entry behind an emailed token as confirmed. Idempotent: opening the link again (or a
 * mail scanner opening it first) answers the same. The hash stays so a second click still works.
 */
export async function confirmWaitlistEntry(token: string): Promise<{ status: "CONFIRMED" | "APPROVED" }> {
  const confirmTokenHash = hashSecretToken(token);
  await prisma.waitlistEntry.updateMany({
    where: { confirmTokenHash, status: "PENDING" },
    data: { status: "CONFIRMED", confirmedAt: new Date() },
  });
  const entry = await prisma.waitlistEntry.findUnique({ where: { confirmTokenHash }, select: { status: true } });
  if (!entry || entry.status === "PENDING") throw new AppError("NOT_FOUND", INVALID_CONFIRM_LINK);
  return { status: entry.status };
}
