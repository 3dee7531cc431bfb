import { getNotifications as findSettings } from "@koi/services/notifications/get-notifications";
import { ZNotificationSettingsView } from "@koi/services/notifications/notifications.schema";
import { orgProcedure } from "../../trpc.ts";

export const getNotifications = orgProcedure("VIEWER")
  .output(ZNotificationSettingsView)
  .query(({ ctx }) => findSettings(ctx.orgId));
