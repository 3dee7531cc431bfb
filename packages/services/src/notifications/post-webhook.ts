import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { resolveWebhookTarget, type TWebhookPolicy } from "./webhook-target.ts";

/**
 * POSTs `body` to an org's webhook and returns the HTTP status. The target is checked again at
 * send time (a URL saved before the guard existed, or a host whose DNS changed since) and the
 * connection goes to the checked address. Redirects are not followed: a 3xx is just a status.
 */
export async function postWebhook(
  rawUrl: string,
  body: string,
  opts: { headers: Record<string, string>; timeoutMs: number; policy?: TWebhookPolicy },
): Promise<number> {
  const target = await resolveWebhookTarget(rawUrl, opts.policy);
  const { pinned } = target;
  const lookup: LookupFunction | undefined = pinned
    ? (_host, options, callback) => {
        if (options.all) callback(null, [pinned]);
        else callback(null, pinned.address, pinned.family);
      }
    : undefined;
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise<number>((resolve, reject) => {
    const req = client.request(
      target.url,
      {
        method: "POST",
        headers: { ...opts.headers, "content-length": Buffer.byteLength(body) },
        lookup,
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res) => {
        // Only the status matters; the receiver's body is never read.
        resolve(res.statusCode ?? 0);
        res.destroy();
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
