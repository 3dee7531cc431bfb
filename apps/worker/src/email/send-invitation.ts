import { invitationMail } from "@koi/core/mail-templates";
import type { TJobHandler } from "../job-context.ts";
import { appLink } from "./app-link.ts";
import { sendMailOnce } from "./send-mail-once.ts";

/** Org invitations and waitlist approvals (orgId null: the invitee gets their own organization). */
export const sendInvitation: TJobHandler<"send-invitation"> = ({ invitationId }, ctx) =>
  sendMailOnce(ctx, {
    kind: "invitation",
    id: invitationId,
    lock: (tx) => tx.$queryRaw`SELECT 1 FROM "Invitation" WHERE "id" = ${invitationId} FOR UPDATE`,
    async load(db, now) {
      const invitation = await db.invitation.findUnique({
        where: { id: invitationId },
        include: { org: { select: { name: true } }, invitedBy: { select: { name: true } } },
      });
      if (!invitation) return { skip: "invitation no longer exists" };
      if (invitation.acceptedAt) return { skip: "invitation already accepted" };
      if (invitation.revokedAt) return { skip: "invitation revoked" };
      if (invitation.expiresAt <= now) return { skip: "invitation expired" };
      return {
        to: invitation.email,
        storeTokenHash: (tx, tokenHash) => tx.invitation.update({ where: { id: invitationId }, data: { tokenHash } }),
        render: (token) =>
          invitationMail({
            orgName: invitation.org?.name ?? null,
            inviterName: invitation.invitedBy?.name ?? null,
            role: invitation.role,
            acceptUrl: appLink(ctx.mail.appUrl, "/invite/accept", { token }),
            fromWaitlist: invitation.orgId === null,
          }),
      };
    },
  });
