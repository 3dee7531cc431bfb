import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyCache } from "@koi/auth/api-keys/api-key-cache";
import { generateApiKey } from "@koi/auth/api-keys/api-key-format";
import { revokeApiKey } from "@koi/auth/api-keys/manage-api-keys";
import { commandWakeups } from "@koi/services/agents/command-wakeups";
import { prisma } from "@koi/db";
import { FAILED_KEY_LIMIT_PER_MIN } from "@/lib/api-v1/with-api-key";
import { call, createTenants, handlers, keyFor, validBodies, type TRoute } from "./api-v1-harness.ts";

let t: Awaited<ReturnType<typeof createTenants>>;
let keys: Record<"revoked" | "expired" | "readOnly" | "engineOnly", string>;

beforeAll(async () => {
  t = await createTenants();
  const revoked = await keyFor(t.orgA.id, ["engine"]);
  await revokeApiKey({ orgId: t.orgA.id, actorUserId: null, keyId: revoked.id });
  keys = {
    revoked: revoked.secret,
    expired: (await keyFor(t.orgA.id, ["engine"], { expiresAt: new Date(Date.now() - 60_000) })).secret,
    readOnly: (await keyFor(t.orgA.id, ["workloads:read"])).secret,
    engineOnly: t.engineA.secret,
  };
});

afterAll(async () => {
  await commandWakeups().stop();
  await apiKeyCache().stop();
});

/** A key of org A that lacks `scope` (it holds some other scope, so only the scope check refuses it). */
function keyLacking(scope: TRoute["scope"]): string {
  return scope === "workloads:read" ? keys.engineOnly : keys.readOnly;
}

/** Every /api/v1 route with org A's ids and its required scope; `ownsIds` routes must answer 404 to another org's key. */
function routes(): TRoute[] {
  const bodies = validBodies(t);
  const wl = { workloadId: t.workloadId };
  return [
    {
      name: "list workloads",
      handler: handlers.listWorkloads,
      params: {},
      method: "GET",
      path: "/api/v1/workloads?status=RUNNING",
      scope: "workloads:read",
      ownsIds: false,
    },
    {
      name: "submit workload",
      handler: handlers.submitWorkload,
      params: {},
      body: bodies.submit,
      scope: "workloads:write",
      ownsIds: false,
    },
    {
      name: "get workload",
      handler: handlers.getWorkload,
      params: wl,
      method: "GET",
      scope: "workloads:read",
      ownsIds: true,
    },
    {
      name: "cancel workload",
      handler: handlers.cancelWorkload,
      params: wl,
      body: bodies.cancel,
      scope: "workloads:write",
      ownsIds: true,
    },
    { name: "plan", handler: handlers.plan, params: {}, body: bodies.plan, scope: "workloads:read", ownsIds: false },
    {
      name: "register",
      handler: handlers.register,
      params: {},
      body: bodies.register,
      ownsIds: false,
      scope: "engine",
    },
    {
      name: "heartbeat",
      handler: handlers.heartbeat,
      params: { agentId: t.agentId },
      body: bodies.heartbeat,
      ownsIds: true,
      scope: "engine",
    },
    {
      name: "commands",
      handler: handlers.commands,
      params: { agentId: t.agentId },
      method: "GET",
      path: "/api/v1/agents/x/commands?wait=0",
      ownsIds: true,
      scope: "engine",
    },
    {
      name: "ack",
      handler: handlers.ack,
      params: { agentId: t.agentId, commandId: t.commandId },
      body: bodies.ack,
      ownsIds: true,
      scope: "engine",
    },
    {
      name: "events",
      handler: handlers.events,
      params: { agentId: t.agentId },
      body: bodies.events,
      ownsIds: true,
      scope: "engine",
    },
    {
      name: "reports",
      handler: handlers.reports,
      params: { assignmentId: t.assignmentId },
      body: bodies.reports,
      ownsIds: true,
      scope: "engine",
    },
    {
      name: "orca ingest",
      handler: handlers.orca,
      params: { event: "complete" },
      body: bodies.orca,
      ownsIds: false,
      scope: "engine",
    },
  ];
}

function expectErrorShape(json: unknown, code: string) {
  expect(json).toMatchObject({ error: { code, message: expect.any(String), requestId: expect.any(String) } });
  expect(JSON.stringify(json)).not.toMatch(/at .*\.ts:\d+|prisma|SELECT/i);
}

describe("every /api/v1 route refuses bad credentials", () => {
  const cases: [string, (r: TRoute) => string | null, number, string][] = [
    ["no key", () => null, 401, "unauthorized"],
    ["garbage", () => "not-a-key", 401, "unauthorized"],
    [
      "bad checksum",
      () => {
        const k = generateApiKey();
        return k.slice(0, -1) + (k.endsWith("x") ? "y" : "x");
      },
      401,
      "unauthorized",
    ],
    ["unknown key", () => generateApiKey(), 401, "unauthorized"],
    ["revoked key", () => keys.revoked, 401, "unauthorized"],
    ["expired key", () => keys.expired, 401, "unauthorized"],
    ["missing scope", (r) => keyLacking(r.scope), 403, "forbidden"],
  ];
  for (const [label, key, status, code] of cases) {
    it(`${label} → ${status}`, async () => {
      for (const r of routes()) {
        const res = await call(r.handler, { ...r, key: key(r) });
        expect(res.status, `${r.name} with ${label}`).toBe(status);
        expectErrorShape(res.json, code);
      }
    });
  }

  it("another org's key gets 404 for org A's agents, commands, assignments and workloads, and changes nothing", async () => {
    const before = await prisma.assignment.findUniqueOrThrow({ where: { id: t.assignmentId } });
    const workloadBefore = await prisma.workload.findUniqueOrThrow({ where: { id: t.workloadId } });
    for (const r of routes().filter((r) => r.ownsIds)) {
      const res = await call(r.handler, { ...r, key: r.scope === "engine" ? t.engineB.secret : t.workloadsB.secret });
      expect(res.status, r.name).toBe(404);
      expectErrorShape(res.json, "not_found");
      expect(res.text).not.toContain(t.orgA.id);
    }
    const after = await prisma.assignment.findUniqueOrThrow({ where: { id: t.assignmentId } });
    expect(after).toEqual(before);
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: t.workloadId } })).toEqual(workloadBefore);
    expect(await prisma.command.findUniqueOrThrow({ where: { id: t.commandId } })).toMatchObject({
      status: "PENDING",
      attempts: 0,
    });
  });

  it("another org's list never shows org A's workloads", async () => {
    const res = await call(handlers.listWorkloads, {
      method: "GET",
      path: "/api/v1/workloads",
      key: t.workloadsB.secret,
    });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(t.workloadId);
  });

  it("an Orca webhook sent with another org's key never touches org A's job", async () => {
    const r = routes().find((x) => x.name === "orca ingest")!;
    const res = await call(r.handler, { ...r, key: t.engineB.secret, basic: true });
    expect(res.status).toBe(200);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: t.assignmentId } })).state).toBe("running");
  });

  it("throttles wrong keys per client IP: past the limit 429 with Retry-After, other IPs unaffected", async () => {
    const ip = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const attempt = (from: string, key = generateApiKey()) =>
      call(handlers.listWorkloads, {
        method: "GET",
        path: "/api/v1/workloads",
        key,
        headers: { "x-koi-client-ip": from },
      });
    for (let i = 0; i < FAILED_KEY_LIMIT_PER_MIN; i++) expect((await attempt(ip)).status).toBe(401);
    const blocked = await attempt(ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // A valid key from that address still passes: the address may be a NAT or the host of the
    // customer's own agents, and wrong keys from a neighbour must not lock them out.
    expect((await attempt(ip, t.workloadsA.secret)).status).toBe(200);
    expect((await attempt(ip)).status).toBe(429);
    expect((await attempt("198.19.0.1", t.workloadsA.secret)).status).toBe(200);
  });

  it("accepts the key as a Basic password (Orca's KOI_SERVICE_URL userinfo)", async () => {
    const res = await call(handlers.heartbeat, {
      params: { agentId: t.agentId },
      body: validBodies(t).heartbeat,
      key: t.engineA.secret,
      basic: true,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-limit")).toBeTruthy();
    expect(res.headers.get("x-ratelimit-remaining")).toBeTruthy();
  });
});
