import { enqueueViaOutbox } from "@koi/core/outbox";
import { prisma } from "@koi/db";
import type { TJoinWaitlistValues } from "./join-waitlist.schema.ts";

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === "P2002";

/**
 * Adds a new email to the waitlist and, in the same transaction, the outbox row that makes the
 * worker mail the confirmation link. An email that is already listed changes nothing and mails
 * nothing (so the form cannot be used to spam someone's inbox); a lost confirmation email is
 * re-sent by staff, not by re-submitting. Returns whether a row was created, for logs only:
 * callers must answer both cases identically.
 */
export async function addToWaitlist(input: TJoinWaitlistValues): Promise<{ created: boolean }> {
  // Cheap exit for the common repeat; the unique index below is what actually guarantees one row.
  const existing = await prisma.waitlistEntry.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) return { created: false };
  try {
    await prisma.$transaction(
      async (tx) => {
        const entry = await tx.waitlistEntry.create({ data: input, select: { id: true } });
        await enqueueViaOutbox(
          tx,
          "send-waitlist-confirmation",
          { entryId: entry.id },
          { jobId: `waitlist-confirm-${entry.id}` },
        );
      },
      // A burst of identical sign-ups queues for connections; wait rather than fail with a 500.
      { maxWait: 15_000, timeout: 15_000 },
    );
    return { created: true };
  } catch (err) {
    if (isUniqueViolation(err)) return { created: false };
    throw err;
  }
}
