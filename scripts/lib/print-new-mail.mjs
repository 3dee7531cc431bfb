// Prints every email Koi stores from now on (recipient, subject, first link), so that with
// SMTP_URL empty a newcomer running the production build (where /dev/mail is off) can still
// follow a waitlist confirmation or an invitation. Started by scripts/start.sh; reads DATABASE_URL.
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
let since = (await pool.query("SELECT now() AS now")).rows[0].now;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => void pool.end().finally(() => process.exit(0)));
}

const firstLink = (body) =>
  /https?:\/\/[^\s"'<>)]+/
    .exec(body ?? "")?.[0]
    .replace(/&amp;/g, "&")
    .replace(/[.,;]+$/, "") ?? null;

for (;;) {
  try {
    const { rows } = await pool.query(
      // "createdAt" is a UTC timestamp without a zone (Prisma's default): compare it as UTC.
      `SELECT "to", subject, text, html, "createdAt" AT TIME ZONE 'UTC' AS "createdAt" FROM "MailMessage"
        WHERE "createdAt" AT TIME ZONE 'UTC' > $1 ORDER BY "createdAt"`,
      [since],
    );
    for (const mail of rows) {
      since = mail.createdAt;
      const link = firstLink(mail.text) ?? firstLink(mail.html);
      console.log(`to ${mail.to}: ${mail.subject}${link ? `\n  ${link}` : ""}`);
    }
  } catch (error) {
    // The database may restart or be mid-migration; try again on the next tick.
    if (process.env.DEBUG) console.error(error.message);
  }
  await sleep(1500);
}
