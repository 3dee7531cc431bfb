import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { withHeartbeatPath, type TRouteHandler } from "./heartbeat-path.ts";
import { createKoiServer } from "./koi-server.ts";

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

/** Koi's server with the heartbeat path in front of a stand-in for Next.js, on a free port. */
async function serve(route: TRouteHandler) {
  const server = createKoiServer(
    withHeartbeatPath((_req, res) => {
      res.writeHead(299).end("next");
    }, route),
    { trustedHops: 0 },
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  close = () => new Promise((r) => server.close(() => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("withHeartbeatPath", () => {
  it("hands a heartbeat to the route handler: the agent id decoded, body and headers intact, the answer as the handler gave it", async () => {
    const seen: { agentId?: string; body?: string; key?: string | null; ip?: string | null } = {};
    const base = await serve(async (request, { params }) => {
      seen.agentId = (await params).agentId;
      seen.body = await request.text();
      seen.key = request.headers.get("authorization");
      seen.ip = request.headers.get("x-koi-client-ip");
      return Response.json({ nextHeartbeatSeconds: 15 }, { status: 200, headers: { "x-request-id": "r1" } });
    });
    const res = await fetch(`${base}/api/v1/agents/ag%5F1/heartbeat`, {
      method: "POST",
      headers: { authorization: "Bearer koi_x", "content-type": "application/json" },
      body: JSON.stringify({ hello: "agent" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("r1");
    expect(await res.json()).toEqual({ nextHeartbeatSeconds: 15 });
    expect(seen).toEqual({ agentId: "ag_1", body: '{"hello":"agent"}', key: "Bearer koi_x", ip: "127.0.0.1" });
  });

  it("leaves every other request to Next.js, a GET of the heartbeat path included", async () => {
    const base = await serve(async () => new Response("route", { status: 200 }));
    expect((await fetch(`${base}/api/v1/agents/ag_1/heartbeat`)).status).toBe(299);
    expect((await fetch(`${base}/api/v1/agents/ag_1/commands`, { method: "POST", body: "{}" })).status).toBe(299);
    expect((await fetch(`${base}/api/v1/agents/ag_1/heartbeat/x`, { method: "POST", body: "{}" })).status).toBe(299);
  });

  it("never sees a malformed escape: the server refuses it with 400 first", async () => {
    let called = false;
    const base = await serve(async () => {
      called = true;
      return new Response(null, { status: 404 });
    });
    expect((await fetch(`${base}/api/v1/agents/%E0%A4%A/heartbeat`, { method: "POST", body: "{}" })).status).toBe(400);
    expect(called).toBe(false);
  });
});
