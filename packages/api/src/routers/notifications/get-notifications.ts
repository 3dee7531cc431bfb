import { roleAtLeast } from "@koi/auth/roles";
import { getNotifications as findSettings } from "@koi/services/notifications/get-notifications";
import { maskedWebhookUrl } from "@koi/services/notifications/masked-webhook-url";
import { ZNotificationSettingsView } from "@koi/services/notifications/notifications.schema";
import { orgProcedure } from "../../trpc.ts";

/** Everyone in the org sees where alerts go; only admins, who may change it, see the whole webhook URL. */
export const getNotifications = orgProcedure("VIEWER")
  .output(ZNotificationSettingsView)
  .query(async ({ ctx }) => {
    const settings = await findSettings(ctx.orgId);
    if (roleAtLeast(ctx.role, "ADMIN") || !settings.webhookUrl) return settings;
    return { ...settings, webhookUrl: maskedWebhookUrl(settings.webhookUrl) };
  });
