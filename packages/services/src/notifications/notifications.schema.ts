import { z } from "zod";
import { isIpAddress, isPublicUnicastAddress } from "@koi/core/ip-ranges";

/**
 * The form's quick check: https to a name or a public address (plain http only to `localhost`, for
 * development with KOI_WEBHOOK_ALLOWED_HOSTS). Saving and sending resolve the host and check every
 * address (webhook-target.ts); this only spares the round trip for the obvious cases.
 */
export function isAllowedWebhookUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIpAddress(host) && !isPublicUnicastAddress(host)) return false;
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && host === "localhost";
}

const emptyToNull = (v: unknown) =>
  typeof v === "string" && v.trim() === "" ? null : typeof v === "string" ? v.trim() : v;

export const ZNotificationSettingsInput = z
  .object({
    webhookUrl: z.preprocess(
      emptyToNull,
      z.string().max(2000).refine(isAllowedWebhookUrl, { message: "Use an https:// URL to a public host." }).nullable(),
    ),
    email: z.preprocess(emptyToNull, z.email({ message: "Enter a valid email address." }).max(254).nullable()),
    sloAtRisk: z.boolean(),
    budget: z.boolean(),
  })
  .strict();
export type TNotificationSettingsInput = z.input<typeof ZNotificationSettingsInput>;
export type TNotificationSettings = z.output<typeof ZNotificationSettingsInput>;

export const ZNotificationSettingsView = z.object({
  webhookUrl: z.string().nullable(),
  email: z.string().nullable(),
  sloAtRisk: z.boolean(),
  budget: z.boolean(),
  updatedAt: z.date().nullable(),
});
export type TNotificationSettingsView = z.infer<typeof ZNotificationSettingsView>;
