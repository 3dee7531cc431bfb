import { prisma } from "@koi/db";
import { orgProcedure } from "../../trpc.ts";
import { ZNotificationSettingsView } from "@koi/services/notifications/notifications.schema";

export const getNotifications = orgProcedure("VIEWER")
  .output(ZNotificationSettingsView)
  .query(async ({ ctx }) => {
    const s = await prisma.notificationSetting.findUnique({ where: { orgId: ctx.orgId } });
    return {
      webhookUrl: s?.webhookUrl ?? null,
      email: s?.email ?? null,
      sloAtRisk: s?.sloAtRisk ?? true,
      budget: s?.budget ?? true,
      updatedAt: s?.updatedAt ?? null,
    };
  });
