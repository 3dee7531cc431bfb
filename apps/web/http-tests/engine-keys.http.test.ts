import { randomBytes, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "@koi/auth/api-keys/manage-api-keys";
import { createOwner, heartbeatBody, http, prisma } from "./support/http.ts";

let owner: Awaited<ReturnType<typeof createOwner>>;
beforeAll(async () => {
  owner = await createOwner();
});

async function engineKey(name: string) {
  const { key, secret } = await createApiKey({
    orgId: owner.org.id,
    actorUserId: null,
    name,
    scopes: ["engine"],
    expiresAt: null,
  });
  return { id: key.id, secret };
}

const call = (secret: string, path: string, body?: unknown) =>
  http(path, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${secret}`,
      "content-type": "application/json",
      // koi-agent and the SDK send one on every POST; the API refuses a POST without one.
      ...(body === undefined ? {} : { "idempotency-key": randomUUID() }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const registration = (instanceId: string) => ({
  instanceId,
  engine: "sim",
  engineVersion: null,
  agentVersion: "0.1.0",
  protocolVersion: 1,
  cluster: { name: "http-cluster", kind: "cloud", provider: "aws", region: "us-east-1" },
  capabilities: ["spot"],
});

async function register(secret: string, instanceId: string) {
  const res = await call(secret, "/api/v1/agents/register", registration(instanceId));
  return { status: res.status, agentId: (res.json as { agentId?: string }).agentId, json: res.json };
}

describe("an engine key acts only for its own agents (through the running server)", () => {
  it("another key of the same org gets 404 for the agent's heartbeat, commands, events and assignment reports", async () => {
    const a = await engineKey(`cluster-a-${randomBytes(3).toString("hex")}`);
    const b = await engineKey(`cluster-b-${randomBytes(3).toString("hex")}`);
    const { agentId } = await register(a.secret, `inst-${randomBytes(6).toString("hex")}`);
    expect(agentId).toBeTruthy();
    const heartbeat = heartbeatBody();

    const own = await call(a.secret, `/api/v1/agents/${agentId}/heartbeat`, heartbeat);
    expect(own.status, JSON.stringify(own.json)).toBe(200);
    const refused = await call(b.secret, `/api/v1/agents/${agentId}/heartbeat`, heartbeat);
    expect(refused.status).toBe(404);
    expect(refused.json).toMatchObject({ error: { code: "not_found", requestId: expect.any(String) } });
    expect((await call(b.secret, `/api/v1/agents/${agentId}/commands?wait=0`)).status).toBe(404);
    expect((await call(b.secret, `/api/v1/agents/${agentId}/events`, { events: [] })).status).toBe(404);
    expect((await call(b.secret, `/api/v1/agents/${agentId}/commands/cmd_x/ack`, { status: "completed" })).status).toBe(
      404,
    );

    // The agent's assignment: its own key reaches it (a 4xx about the body, not 404); the other key does not.
    const workload = await prisma.workload.create({
      data: {
        orgId: owner.org.id,
        name: "keyed",
        kind: "batch",
        model: "meta-llama/Llama-3.1-8B-Instruct",
        spec: {},
        status: "RUNNING",
        progressTotal: 10,
      },
    });
    const assignment = await prisma.assignment.create({
      data: { orgId: owner.org.id, agentId: agentId!, workloadId: workload.id, state: "running", placement: {} },
    });
    const report = { epoch: 2, seq: 0, state: "running", at: new Date().toISOString() };
    const ownReport = await call(a.secret, `/api/v1/assignments/${assignment.id}/reports`, report);
    expect(ownReport.status).not.toBe(404);
    expect(ownReport.status).toBeLessThan(500);
    expect((await call(b.secret, `/api/v1/assignments/${assignment.id}/reports`, report)).status).toBe(404);
  });

  it("a newer key takes the agent over on registering (rotation); the older key is then refused and cannot take it back", async () => {
    const instanceId = `inst-${randomBytes(6).toString("hex")}`;
    const old = await engineKey("rotate-old");
    const { agentId } = await register(old.secret, instanceId);
    const next = await engineKey("rotate-new");

    const moved = await register(next.secret, instanceId);
    expect(moved).toMatchObject({ status: 200, agentId });
    // Other processes may trust what they read for up to 5 s; this server forgot it on registering.
    expect((await call(next.secret, `/api/v1/agents/${agentId}/heartbeat`, heartbeatBody())).status).toBe(200);
    expect((await call(old.secret, `/api/v1/agents/${agentId}/heartbeat`, heartbeatBody())).status).toBe(404);

    const back = await register(old.secret, instanceId);
    expect(back.status).toBe(409);
    expect(back.json).toMatchObject({ error: { code: "conflict" } });
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId! } })).apiKeyId).toBe(next.id);

    // Once the newer key is revoked, the older one may register the instance again.
    await revokeApiKey({ orgId: owner.org.id, actorUserId: null, keyId: next.id });
    expect(await register(old.secret, instanceId)).toMatchObject({ status: 200, agentId });
    expect(
      await prisma.auditEvent.count({ where: { orgId: owner.org.id, action: "agent.rekeyed", targetId: agentId! } }),
    ).toBe(2);
  });
});
