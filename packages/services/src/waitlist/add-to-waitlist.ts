import { enqueueViaOutbox } from "@koi/core/outbox";
import { isUniqueViolation, prisma } from "@koi/db";
import type { TJoinWaitlistValues } from "./join-waitlist.schema.ts";

/** Joining again mails the link again at most once per window, so the form cannot flood an inbox. */
export const RESEND_WINDOW_MS = 10 * 60_000;
/** A double-clicked submit is not a request for a second email. */
const RESEND_MIN_AGE_MS = 60_000;

/**
 * Adds a new email to the waitlist and, in the same transaction, the outbox row that makes the
 * worker mail the confirmation link. An email that is already listed and not yet confirmed gets
 * the link again (a fresh one: the worker mints a new token), at most once per RESEND_WINDOW_MS;
 * the listing itself is unchanged. Returns what happened, for logs only: callers must answer
 * every case identically, or the form would tell who is on the list.
 */
export async function addToWaitlist(
  input: TJoinWaitlistValues,
  now = new Date(),
): Promise<{ created: boolean; resent: boolean }> {
  // Cheap exit for the common repeat; the unique index below is what actually guarantees one row.
  const existing = await prisma.waitlistEntry.findUnique({
    where: { email: input.email },
    select: { id: true, status: true, createdAt: true },
  });
  if (existing) return { created: false, resent: await resendConfirmation(existing, now) };
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
    return { created: true, resent: false };
  } catch (err) {
    if (isUniqueViolation(err)) return { created: false, resent: false };
    throw err;
  }
}

/**
 * One confirmation email per entry and window: the job id names the window, and the worker sends
 * one email per job id however often it is enqueued. Confirmed and approved entries have nothing
 * left to confirm.
 */
async function resendConfirmation(entry: { id: string; status: string; createdAt: Date }, now: Date) {
  if (entry.status !== "PENDING") return false;
  if (now.getTime() - entry.createdAt.getTime() < RESEND_MIN_AGE_MS) return false;
  const jobId = `waitlist-confirm-${entry.id}-again-${Math.floor(now.getTime() / RESEND_WINDOW_MS)}`;
  if (await prisma.outboxEvent.findUnique({ where: { jobId }, select: { id: true } })) return false;
  await prisma.$transaction((tx) =>
    enqueueViaOutbox(tx, "send-waitlist-confirmation", { entryId: entry.id }, { jobId }),
  );
  return true;
}
