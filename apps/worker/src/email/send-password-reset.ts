import { passwordResetMail } from "@koi/core/mail-templates";
import type { TJobHandler } from "../job-context.ts";
import { appLink } from "./app-link.ts";
import { sendMailOnce } from "./send-mail-once.ts";

export const sendPasswordReset: TJobHandler<"send-password-reset"> = ({ resetId }, ctx) =>
  sendMailOnce(ctx, {
    kind: "password-reset",
    id: resetId,
    lock: (tx) => tx.$queryRaw`SELECT 1 FROM "PasswordResetToken" WHERE "id" = ${resetId} FOR UPDATE`,
    async load(db, now) {
      const reset = await db.passwordResetToken.findUnique({
        where: { id: resetId },
        include: { user: { select: { email: true } } },
      });
      if (!reset) return { skip: "reset request no longer exists" };
      if (reset.usedAt) return { skip: "reset link already used" };
      if (reset.expiresAt <= now) return { skip: "reset request expired" };
      return {
        to: reset.user.email,
        storeTokenHash: (tx, tokenHash) =>
          tx.passwordResetToken.update({ where: { id: resetId }, data: { tokenHash } }),
        render: (token) => passwordResetMail({ resetUrl: appLink(ctx.mail.appUrl, "/reset-password", { token }) }),
      };
    },
  });
