import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { AppError } from "@koi/core/app-error";
import { env } from "@koi/core/env";
import { isPublicUnicastAddress } from "@koi/core/ip-ranges";

export type TWebhookPolicy = { production: boolean; allowedHosts: readonly string[] };
/** `pinned`: the checked address to connect to; null for an exempt host (the system resolver decides). */
export type TWebhookTarget = { url: URL; pinned: { address: string; family: 4 | 6 } | null };

export function webhookPolicy(): TWebhookPolicy {
  const e = env();
  return { production: e.NODE_ENV === "production", allowedHosts: e.KOI_WEBHOOK_ALLOWED_HOSTS };
}

const refuse = (message: string) => new AppError("BAD_REQUEST", message, { publicCode: "webhook_target_refused" });

/**
 * Where a webhook may go (the SSRF guard): https to a host whose every address is public unicast —
 * no loopback, private, link-local (cloud metadata), CGNAT, multicast or unspecified address.
 * KOI_WEBHOOK_ALLOWED_HOSTS names hosts exempt from the address rule (not resolved here; outside
 * production also reachable over plain http). The caller connects to the returned address, never resolving again,
 * so a DNS answer that changes between check and use (rebinding) changes nothing.
 */
export async function resolveWebhookTarget(raw: string, policy = webhookPolicy()): Promise<TWebhookTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("The webhook URL is not a valid URL.");
  }
  if (url.username || url.password) throw refuse("The webhook URL must not carry a user name or password.");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const exempt = policy.allowedHosts.includes(host);
  const httpAllowed = exempt && !policy.production;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && httpAllowed))
    throw refuse("Use an https:// URL for the webhook.");
  if (exempt) return { url, pinned: null };

  const family = isIP(host);
  const addresses = family
    ? [{ address: host, family }]
    : await lookup(host, { all: true, verbatim: true }).catch(() => {
        throw refuse(`The webhook host ${host} could not be resolved.`);
      });
  if (!addresses.length) throw refuse(`The webhook host ${host} could not be resolved.`);
  const internal = addresses.find((a) => !isPublicUnicastAddress(a.address));
  if (internal)
    throw refuse(
      `The webhook host ${host} resolves to ${internal.address}, which is not a public address; webhooks go only to public hosts.`,
    );
  const first = addresses[0]!;
  return { url, pinned: { address: first.address, family: first.family === 6 ? 6 : 4 } };
}
