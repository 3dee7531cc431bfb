import type { PrismaClient } from "@koi/db";
import { INVITATION_TTL_MS } from "@koi/services/auth/invitation-state";
import type { TJobHandler } from "../job-context.ts";

/**
 * How long a stored message is kept: as long as the longest-lived link Koi mails (an invitation).
 * A stored-only message (no SMTP: the /dev/mail copy) holds a working link until then; after it, every
 * message is history, and a table of old mail is only something to leak.
 */
export const MAIL_RETENTION_MS = INVITATION_TTL_MS;

/** Deletes messages stored longer ago than the retention; returns how many. */
export async function purgeMailMessages(db: PrismaClient, now: Date): Promise<number> {
  const { count } = await db.mailMessage.deleteMany({
    where: { createdAt: { lt: new Date(now.getTime() - MAIL_RETENTION_MS) } },
  });
  return count;
}

export const sweepMailMessages: TJobHandler<"purge-mail-messages"> = async (_payload, ctx) => {
  const purged = await purgeMailMessages(ctx.db, new Date());
  if (purged) ctx.log.info({ purged }, "stored mail past its retention deleted");
};
