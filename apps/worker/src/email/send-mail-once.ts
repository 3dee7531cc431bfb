import type { TMail } from "@koi/core/mail-templates";
import { createSecretToken } from "@koi/core/secret-token";
import type { MailMessage, Tx } from "@koi/db";
import type { TJobContext } from "../job-context.ts";

export type TMailSkip = { skip: string };

/** A mail that should go out: who gets it, how the row keeps the token's hash, how it reads. */
export type TMailPlan = {
  to: string;
  storeTokenHash(tx: Tx, tokenHash: string): Promise<unknown>;
  render(token: string): TMail;
};

/** One kind of emailed link, bound to the row it is about. */
export type TMailSubject = {
  kind: string;
  id: string;
  /** Row lock so two runs of the same job cannot both mint a token. */
  lock(tx: Tx): Promise<unknown>;
  /** Whether the mail is still wanted (row exists, not used, not revoked, not expired). */
  load(db: Tx, now: Date): Promise<TMailPlan | TMailSkip>;
};

/**
 * The idempotent email flow, keyed by the BullMQ job id. The first run mints a fresh token, stores
 * only its hash on the row and stores the rendered message — all in one transaction — then delivers.
 * Any later run of the same job finds the message: it redelivers it if it is still unsent (same link,
 * no new token) and does nothing otherwise. The token itself never leaves this function except
 * inside the stored message.
 */
export async function sendMailOnce(ctx: TJobContext, subject: TMailSubject): Promise<void> {
  const dedupKey = ctx.jobId;
  const log = ctx.log.child({ mail: subject.kind, subjectId: subject.id });

  let message = await ctx.db.mailMessage.findUnique({ where: { dedupKey } });
  if (message?.sentAt) {
    log.info("email already sent; nothing to do");
    return;
  }
  if (message) {
    const plan = await subject.load(ctx.db, new Date());
    if ("skip" in plan) {
      log.info({ reason: plan.skip }, "stored email no longer wanted; not delivering");
      return;
    }
  } else {
    const created = await ctx.db.$transaction(async (tx): Promise<MailMessage | TMailSkip> => {
      await subject.lock(tx);
      // A concurrent run of this job may have stored it while we waited for the lock.
      const raced = await tx.mailMessage.findUnique({ where: { dedupKey } });
      if (raced) return raced;
      const plan = await subject.load(tx, new Date());
      if ("skip" in plan) return plan;
      const { token, tokenHash } = createSecretToken();
      await plan.storeTokenHash(tx, tokenHash);
      const mail = plan.render(token);
      return tx.mailMessage.create({
        data: {
          dedupKey,
          to: plan.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          transport: ctx.mail.mailer ? "smtp" : "store",
        },
      });
    });
    if ("skip" in created) {
      log.info({ reason: created.skip }, "email not needed; skipped");
      return;
    }
    if (created.sentAt) return;
    message = created;
  }
  await deliver(ctx, message);
  log.info({ mailMessageId: message.id, transport: message.transport }, "email delivered");
}

/** Emailed links carry their secret as `token=`; what stays in the database after sending must not. */
export function redactTokens<T extends string | null>(body: T): T {
  return (body?.replace(/([?&](?:amp;)?token=)[A-Za-z0-9_-]+/g, "$1redacted-after-sending") ?? body) as T;
}

/**
 * Sends a stored message (SMTP when it was stored for SMTP) and marks it sent. A message that went
 * out over SMTP keeps no working link: its token is redacted in the stored copy, so the table
 * (backups, support tools) is no way into an account. Stored-only messages (no SMTP, dev mail)
 * keep theirs, as the stored copy is then the only one.
 */
export async function deliver(ctx: TJobContext, message: MailMessage): Promise<void> {
  if (message.transport === "smtp") {
    // Throwing lets BullMQ retry with backoff; the retry redelivers this same stored message.
    if (!ctx.mail.mailer) throw new Error("message was stored for SMTP but SMTP_URL is not set");
    await ctx.mail.mailer.send({
      from: ctx.mail.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId: messageIdFor(message.id, ctx.mail.appUrl),
    });
  }
  const redacted =
    message.transport === "smtp" ? { text: redactTokens(message.text), html: redactTokens(message.html) } : {};
  await ctx.db.mailMessage.updateMany({
    where: { id: message.id, sentAt: null },
    data: { sentAt: new Date(), ...redacted },
  });
}

/** A stable Message-ID, so a redelivery after a crash between SMTP and `sentAt` is recognisable as a duplicate. */
export function messageIdFor(mailMessageId: string, appUrl: string): string {
  return `<${mailMessageId}@${new URL(appUrl).hostname}>`;
}
