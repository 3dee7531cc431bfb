import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ORCA_WEBHOOK_PATHS, type TOrcaWebhookPath } from "@koi/contracts";
import type { TLogger } from "../../logger.ts";
import type { TEventSink } from "../types.ts";
import { orcaWebhookToEvent } from "./orca-webhook-event.ts";

const MAX_BODY_BYTES = 1024 * 1024;

export type TWebhookListenerOptions = {
  host: string;
  port: number;
  /** Path prefix Orca's KOI_SERVICE_URL carries (e.g. `/orca`); "" for none. */
  pathPrefix?: string;
  /** When set, Orca must send it as the Basic-auth password (put it in KOI_SERVICE_URL's userinfo). */
  secret?: string | null;
  logger: TLogger;
};

function basicPasswordMatches(req: IncomingMessage, secret: string): boolean {
  const header = req.headers.authorization ?? "";
  if (!header.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const password = Buffer.from(decoded.slice(decoded.indexOf(":") + 1));
  const expected = Buffer.from(secret);
  return password.length === expected.length && timingSafeEqual(password, expected);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Listens as Orca's KOI_SERVICE_URL. Each webhook becomes a lifecycle event that is spooled
 * (fsync'd) before Orca gets its 2xx, so an event Orca considers delivered is never lost; if the
 * spool write fails Orca gets a 503 and retries from its own outbox.
 */
export async function startOrcaWebhookListener(
  options: TWebhookListenerOptions,
  sink: TEventSink,
): Promise<{ url: string; close: () => Promise<void> }> {
  const prefix = (options.pathPrefix ?? "").replace(/\/+$/, "");
  const server = createServer((req, res) => {
    void (async () => {
      // Orca joins KOI_SERVICE_URL and the path as strings: a URL ending in "/" posts to "//job/…".
      const path = (req.url ?? "/").split("?")[0]!.replace(/\/{2,}/g, "/");
      const webhook = path.startsWith(prefix) ? (path.slice(prefix.length) as TOrcaWebhookPath) : undefined;
      if (req.method !== "POST" || !webhook || !ORCA_WEBHOOK_PATHS.includes(webhook))
        return reply(res, 404, { detail: "Not Found" });
      if (options.secret && !basicPasswordMatches(req, options.secret))
        return reply(res, 401, { detail: "Unauthorized" });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) return reply(res, 413, { detail: "payload too large" });
        chunks.push(chunk as Buffer);
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return reply(res, 400, { detail: "body is not JSON" });
      }
      const event = orcaWebhookToEvent(webhook, body, new Date());
      try {
        await sink([event]);
      } catch (error) {
        options.logger.error("orca webhook: could not spool event; Orca will retry", {
          eventId: event.eventId,
          error: (error as Error).message,
        });
        return reply(res, 503, { status: "spool_unavailable", event_id: event.eventId });
      }
      options.logger.debug("orca webhook spooled", { path: webhook, eventId: event.eventId });
      reply(res, 200, { status: "recorded", event_id: event.eventId });
    })().catch((error: unknown) => {
      options.logger.error("orca webhook handler failed", { error: (error as Error).message });
      if (!res.headersSent) reply(res, 500, { detail: "internal error" });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}${prefix}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
