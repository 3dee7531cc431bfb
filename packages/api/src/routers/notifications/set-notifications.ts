import {
  ZNotificationSettingsInput,
  ZNotificationSettingsView,
} from "@koi/services/notifications/notifications.schema";
import { setNotifications as saveSettings } from "@koi/services/notifications/set-notifications";
import { orgProcedure } from "../../trpc.ts";

export const setNotifications = orgProcedure("ADMIN")
  .input(ZNotificationSettingsInput)
  .output(ZNotificationSettingsView)
  .mutation(async ({ ctx, input }) => {
    const saved = await saveSettings(ctx.orgId, ctx.userId, input);
    ctx.log.info("notification settings updated");
    return saved;
  });
