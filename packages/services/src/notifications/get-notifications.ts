import { prisma } from "@koi/db";
import type { TNotificationSettingsView } from "./notifications.schema.ts";

/** The org's notification settings; an org that never saved any gets the defaults (both kinds on). */
export async function getNotifications(orgId: string): Promise<TNotificationSettingsView> {
  const s = await prisma.notificationSetting.findUnique({ where: { orgId } });
  return {
    webhookUrl: s?.webhookUrl ?? null,
    email: s?.email ?? null,
    sloAtRisk: s?.sloAtRisk ?? true,
    budget: s?.budget ?? true,
    updatedAt: s?.updatedAt ?? null,
  };
}
