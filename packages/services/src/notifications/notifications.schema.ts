import { z } from "zod";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https anywhere; plain http only to this machine, for local development. */
export function isAllowedWebhookUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname);
}

const emptyToNull = (v: unknown) =>
  typeof v === "string" && v.trim() === "" ? null : typeof v === "string" ? v.trim() : v;

export const ZNotificationSettingsInput = z
  .object({
    webhookUrl: z.preprocess(
      emptyToNull,
      z
        .string()
        .max(2000)
        .refine(isAllowedWebhookUrl, { message: "Use an https:// URL (http:// only for localhost)." })
        .nullable(),
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
