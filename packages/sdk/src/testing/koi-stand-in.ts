import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { z } from "zod";
import {
  ZAckRequest,
  ZAssignmentReport,
  ZEventsRequest,
  ZHeartbeatRequest,
  ZRegisterRequest,
  type TCommand,
} from "@koi/contracts";

/*
 * A stand-in for Koi's /api/v1 in agent tests: it records every request, checks each body against
 * the shared contracts, and answers like the protocol says. The real server lives in apps/web; this
 * is no model of its database — just enough HTTP for the agent's side of the conversation.
 */

export type TRecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
  /** Contract violations in the body, empty when it conforms. */
  issues: string[];
};

export type TStandInResponse = { status: number; body?: unknown; headers?: Record<string, string> };

const BODY_SCHEMAS: [RegExp, z.ZodType][] = [
  [/^\/api\/v1\/agents\/register$/, ZRegisterRequest],
  [/^\/api\/v1\/agents\/[^/]+\/heartbeat$/, ZHeartbeatRequest],
  [/^\/api\/v1\/agents\/[^/]+\/commands\/[^/]+\/ack$/, ZAckRequest],
  [/^\/api\/v1\/assignments\/[^/]+\/reports$/, ZAssignmentReport],
  [/^\/api\/v1\/agents\/[^/]+\/events$/, ZEventsRequest],
];

export async function startKoiStandIn(options: { agentId?: string; heartbeatIntervalSeconds?: number } = {}) {
  const requests: TRecordedRequest[] = [];
  const queue: TCommand[] = [];
  let override: ((req: TRecordedRequest) => TStandInResponse | undefined) | null = null;
  const agentId = options.agentId ?? "agt_test";

  function defaultResponse(req: TRecordedRequest): TStandInResponse {
    const path = req.path;
    if (path === "/api/v1/agents/register")
      return {
        status: 200,
        body: { agentId, heartbeatIntervalSeconds: options.heartbeatIntervalSeconds ?? 1, commandWaitSeconds: 1 },
      };
    if (path.endsWith("/heartbeat"))
      return { status: 200, body: { nextHeartbeatSeconds: options.heartbeatIntervalSeconds ?? 1 } };
    if (path.endsWith("/ack"))
      return {
        status: 200,
        body: { commandId: path.split("/")[6], status: (req.body as { status: string }).status, duplicate: false },
      };
    if (path.endsWith("/reports")) return { status: 200, body: { accepted: true, duplicate: false } };
    if (path.endsWith("/events"))
      return { status: 200, body: { accepted: (req.body as { events: unknown[] }).events.length, duplicates: 0 } };
    return { status: 404, body: { error: { code: "not_found", message: "no such route", requestId: "req_standin" } } };
  }

  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://koi");
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = text;
        }
        const schema = BODY_SCHEMAS.find(([pattern]) => pattern.test(url.pathname))?.[1];
        const parsed = schema?.safeParse(body);
        const recorded: TRecordedRequest = {
          method: req.method ?? "GET",
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
          issues: parsed && !parsed.success ? parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) : [],
        };
        requests.push(recorded);
        let response = override?.(recorded);
        if (!response && req.method === "GET" && url.pathname.endsWith("/commands")) {
          // Long-poll, shortened: hold briefly when nothing is queued.
          if (queue.length === 0) await new Promise((r) => setTimeout(r, 50));
          response = { status: 200, body: { commands: queue.splice(0) } };
        }
        response ??= defaultResponse(recorded);
        const payload = response.body === undefined ? "" : JSON.stringify(response.body);
        res.writeHead(response.status, { "content-type": "application/json", ...response.headers });
        res.end(payload);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    /** Commands handed out on the next long-poll. */
    queueCommands: (...commands: TCommand[]) => queue.push(...commands),
    /** Answer some requests differently (return undefined to fall through to the default). */
    respond: (handler: ((req: TRecordedRequest) => TStandInResponse | undefined) | null) => (override = handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type TKoiStandIn = Awaited<ReturnType<typeof startKoiStandIn>>;

export async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}
