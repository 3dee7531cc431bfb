import { recordAudit } from "@koi/core/audit";
import { prisma } from "@koi/db";
import { orgProcedure } from "../../trpc.ts";
import {
  ZNotificationSettingsInput,
  ZNotificationSettingsView,
} from "@koi/services/notifications/notifications.schema";

export const setNotifications = orgProcedure("ADMIN")
  .input(ZNotificationSettingsInput)
  .output(ZNotificationSettingsView)
  .mutation(async ({ ctx, input }) => {
    const saved = await prisma.$transaction(async (tx) => {
      const s = await tx.notificationSetting.upsert({
        where: { orgId: ctx.orgId },
        create: { orgId: ctx.orgId, ...input },
        update: input,
      });
      // The URL may carry a token in its path: the audit log keeps only the host.
      const webhookHost = input.webhookUrl ? new URL(input.webhookUrl).host : null;
      await recordAudit(tx, {
        orgId: ctx.orgId,
        actorUserId: ctx.userId,
        action: "notifications.updated",
        targetType: "org",
        targetId: ctx.orgId,
        data: { webhookHost, email: input.email, sloAtRisk: input.sloAtRisk, budget: input.budget },
      });
      return s;
    });
    ctx.log.info("notification settings updated");
    return {
      webhookUrl: saved.webhookUrl,
      email: saved.email,
      sloAtRisk: saved.sloAtRisk,
      budget: saved.budget,
      updatedAt: saved.updatedAt,
    };
  });
