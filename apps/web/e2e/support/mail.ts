import pg from "pg";
import { sleep } from "./processes.ts";
import { e2eEnv } from "./state.ts";

/**
 * Mail in e2e runs is never sent (SMTP_URL is unset): the worker stores each message as a
 * MailMessage row. These helpers read those rows straight from the run's database.
 */
type TStoredMail = {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  createdAt: Date;
  /** The first http(s) link in the message (text first, then html), or null. */
  link: string | null;
};

let pool: pg.Pool | undefined;
function db(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: e2eEnv().databaseUrl, max: 2, allowExitOnIdle: true });
  return pool;
}

/**
 * The newest message to `email`, waiting up to `timeoutMs` for the worker to write it.
 * Pass `after` (e.g. a Date taken before the action) to ignore older messages.
 */
export async function latestMailTo(
  email: string,
  opts: { after?: Date; subject?: RegExp; timeoutMs?: number } = {},
): Promise<TStoredMail> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    const { rows } = await db().query<Omit<TStoredMail, "link">>(
      // "createdAt" is a UTC timestamp without a zone (Prisma's default): compare and read it as UTC.
      `SELECT id, "to", subject, text, html, "createdAt" AT TIME ZONE 'UTC' AS "createdAt" FROM "MailMessage"
        WHERE position(lower($1) in lower("to")) > 0 AND "createdAt" AT TIME ZONE 'UTC' > $2
        ORDER BY "createdAt" DESC LIMIT 20`,
      [email, opts.after ?? new Date(0)],
    );
    const match = rows.find((row) => !opts.subject || opts.subject.test(row.subject));
    if (match) return { ...match, link: firstLink(match.text) ?? firstLink(match.html ?? "") };
    if (Date.now() > deadline) {
      throw new Error(
        `no mail to ${email}${opts.subject ? ` matching ${opts.subject}` : ""} within ${(opts.timeoutMs ?? 15_000) / 1000} s`,
      );
    }
    await sleep(250);
  }
}

/** The first http(s) URL in a text or HTML body, with HTML entities in it decoded. */
function firstLink(body: string): string | null {
  const match = /https?:\/\/[^\s"'<>)]+/.exec(body);
  return match ? match[0].replace(/&amp;/g, "&").replace(/[.,;]+$/, "") : null;
}

/** The first link of the newest mail to `email`; fails when the mail has none. */
export async function latestLinkTo(email: string, opts: Parameters<typeof latestMailTo>[1] = {}): Promise<string> {
  const mail = await latestMailTo(email, opts);
  if (!mail.link) throw new Error(`the mail "${mail.subject}" to ${email} contains no link`);
  return mail.link;
}
