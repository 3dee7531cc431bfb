import { recordAudit } from "@koi/core/audit";
import { prisma } from "@koi/db";
import type { TNotificationSettings, TNotificationSettingsView } from "./notifications.schema.ts";
import { maskedWebhookUrl, webhookFingerprint } from "./masked-webhook-url.ts";
import { resolveWebhookTarget } from "./webhook-target.ts";

/**
 * Saves the org's settings and audits the change in one transaction. A webhook whose host resolves
 * to an internal address is refused here, with a message, rather than failing silently later.
 */
export async function setNotifications(
  orgId: string,
  actorUserId: string,
  input: TNotificationSettings,
): Promise<TNotificationSettingsView> {
  if (input.webhookUrl) await resolveWebhookTarget(input.webhookUrl);
  const saved = await prisma.$transaction(async (tx) => {
    const s = await tx.notificationSetting.upsert({
      where: { orgId },
      create: { orgId, ...input },
      update: input,
    });
    // The URL is a credential, in its path or its subdomain: the audit log keeps it masked, with a
    // fingerprint that tells one Slack webhook from the next.
    const url = input.webhookUrl;
    await recordAudit(tx, {
      orgId,
      actorUserId,
      action: "notifications.updated",
      targetType: "org",
      targetId: orgId,
      data: {
        webhook: url ? maskedWebhookUrl(url) : null,
        webhookFingerprint: url ? webhookFingerprint(url) : null,
        email: input.email,
        sloAtRisk: input.sloAtRisk,
        budget: input.budget,
      },
    });
    return s;
  });
  return {
    webhookUrl: saved.webhookUrl,
    email: saved.email,
    sloAtRisk: saved.sloAtRisk,
    budget: saved.budget,
    updatedAt: saved.updatedAt,
  };
}
