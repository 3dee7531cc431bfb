import { createHash } from "node:crypto";
import { isIP } from "node:net";

/**
 * An incoming-webhook URL is a credential (whoever holds it can post as Koi), in its path (Slack,
 * Teams) or its subdomain (Pipedream): what is shown to people who may not change it, or kept in
 * the audit log, is the scheme and the last two labels of the host ("https://…slack.com/…").
 */
export function maskedWebhookUrl(webhookUrl: string): string {
  const url = new URL(webhookUrl);
  return `${url.protocol}//${maskedHost(url.hostname)}/…`;
}

/** The last two labels of a host name ("…slack.com"); nothing of an address. */
function maskedHost(hostname: string): string {
  const name = hostname.replace(/\.$/, "");
  if (isIP(name.replace(/^\[(.*)\]$/, "$1"))) return "…";
  const labels = name.split(".");
  return labels.length > 2 ? `…${labels.slice(-2).join(".")}` : name;
}

/** Tells two webhook URLs apart in the audit log without keeping either: 8 hex digits of its SHA-256. */
export function webhookFingerprint(webhookUrl: string): string {
  return createHash("sha256").update(webhookUrl).digest("hex").slice(0, 8);
}
