import nodemailer from "nodemailer";
import SMTPTransport from "nodemailer/lib/smtp-transport/index.js";

export type TOutgoingMail = {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  messageId: string;
};

/** The one thing the email jobs need from a transport; tests substitute their own. */
export type TMailer = {
  send(mail: TOutgoingMail): Promise<void>;
  close(): void;
};

/**
 * nodemailer over SMTP_URL. Timeouts are short so a dead mail server fails the job (BullMQ retries
 * it with backoff) instead of holding a worker slot for minutes; the URL may still override them.
 */
export function createSmtpMailer(smtpUrl: string): TMailer {
  const transport = nodemailer.createTransport(
    new SMTPTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }),
  );
  return {
    async send(mail) {
      await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? undefined,
        messageId: mail.messageId,
      });
    },
    close: () => transport.close(),
  };
}
