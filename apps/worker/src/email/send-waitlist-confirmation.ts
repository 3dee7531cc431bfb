import { waitlistConfirmationMail } from "@koi/core/mail-templates";
import type { TJobHandler } from "../job-context.ts";
import { appLink } from "./app-link.ts";
import { sendMailOnce } from "./send-mail-once.ts";

export const sendWaitlistConfirmation: TJobHandler<"send-waitlist-confirmation"> = ({ entryId }, ctx) =>
  sendMailOnce(ctx, {
    kind: "waitlist-confirmation",
    id: entryId,
    lock: (tx) => tx.$queryRaw`SELECT 1 FROM "WaitlistEntry" WHERE "id" = ${entryId} FOR UPDATE`,
    async load(db) {
      const entry = await db.waitlistEntry.findUnique({ where: { id: entryId } });
      if (!entry) return { skip: "waitlist entry no longer exists" };
      if (entry.status !== "PENDING" || entry.confirmedAt) return { skip: "waitlist entry already confirmed" };
      return {
        to: entry.email,
        storeTokenHash: (tx, tokenHash) =>
          tx.waitlistEntry.update({ where: { id: entryId }, data: { confirmTokenHash: tokenHash } }),
        render: (token) =>
          waitlistConfirmationMail({
            name: entry.name,
            confirmUrl: appLink(ctx.mail.appUrl, "/waitlist/confirm", { token }),
          }),
      };
    },
  });
