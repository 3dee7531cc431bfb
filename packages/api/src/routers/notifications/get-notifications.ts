import { isIP } from "node:net";
import { roleAtLeast } from "@koi/auth/roles";
import { getNotifications as findSettings } from "@koi/services/notifications/get-notifications";
import { ZNotificationSettingsView } from "@koi/services/notifications/notifications.schema";
import { orgProcedure } from "../../trpc.ts";

/**
 * Everyone in the org sees where alerts go; only admins, who may change it, see the whole webhook
 * URL. An incoming-webhook URL is a credential (whoever holds it can post as Koi), in its path
 * (Slack, Teams) or its subdomain (Pipedream): others see the last two labels of the host.
 */
export const getNotifications = orgProcedure("VIEWER")
  .output(ZNotificationSettingsView)
  .query(async ({ ctx }) => {
    const settings = await findSettings(ctx.orgId);
    if (roleAtLeast(ctx.role, "ADMIN") || !settings.webhookUrl) return settings;
    const url = new URL(settings.webhookUrl);
    return { ...settings, webhookUrl: `${url.protocol}//${maskedHost(url.hostname)}/…` };
  });

/** The last two labels of a host name ("…slack.com"); nothing of an address. */
function maskedHost(hostname: string): string {
  const name = hostname.replace(/\.$/, "");
  if (isIP(name.replace(/^\[(.*)\]$/, "$1"))) return "…";
  const labels = name.split(".");
  return labels.length > 2 ? `…${labels.slice(-2).join(".")}` : name;
}
