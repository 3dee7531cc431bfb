import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@koi/auth/api-keys/manage-api-keys";
import { agentRegistration, createOwner, http, keyCall, prisma } from "./support/http.ts";

// Found by an outside probe of a running server: each of these answered 500 (Postgres refused a
// value the contract let through), or let one engine key of an org spoil another's requests.

let owner: Awaited<ReturnType<typeof createOwner>>;
beforeAll(async () => {
  owner = await createOwner();
});

async function engineAgent(name: string) {
  const { secret } = await createApiKey({
    orgId: owner.org.id,
    actorUserId: null,
    name,
    scopes: ["engine"],
    expiresAt: null,
  });
  const registered = await keyCall(secret, "/api/v1/agents/register", {
    body: agentRegistration(`inst-${randomBytes(6).toString("hex")}`, name),
  });
  const { agentId } = registered.json as { agentId: string };
  const assignment = await prisma.assignment.create({
    data: { orgId: owner.org.id, agentId, state: "running", placement: {} },
  });
  return { secret, agentId, assignmentId: assignment.id };
}

const report = (over: Record<string, unknown> = {}) => ({
  epoch: 1,
  seq: 0,
  state: "running",
  at: new Date().toISOString(),
  usage: [],
  ...over,
});

/** A POST with an explicit Idempotency-Key, as koi-agent sends its reports and acks. */
function post(secret: string, path: string, body: unknown, idempotencyKey: string) {
  return http(path, {
    method: "POST",
    headers: {
      authorization: `Bearer ${secret}`,
      "content-type": "application/json",
      "idempotency-key": idempotencyKey,
    },
    body: JSON.stringify(body),
  });
}

describe("hostile agent input through the running server", () => {
  it.each([
    ["a seq past a Postgres integer", report({ seq: 3_000_000_000 }), "seq"],
    ["a report time in year 0", report({ at: "0000-01-01T00:00:00Z" }), "at"],
    ["a time an offset moves into year 0", report({ at: "0001-01-01T00:00:00+23:59" }), "at"],
  ])("a report with %s is 400 naming the field, not 500", async (_what, body, field) => {
    const { secret, assignmentId } = await engineAgent(`bounds-${randomBytes(3).toString("hex")}`);
    const res = await keyCall(secret, `/api/v1/assignments/${assignmentId}/reports`, { body });
    expect(res.status, res.text).toBe(400);
    expect(res.json).toMatchObject({ error: { code: "validation_failed", requestId: expect.any(String) } });
    expect(res.text).toContain(field);
  });

  it("a usage line counting more requests in one report than a database integer holds is refused, not a 500", async () => {
    const { secret, assignmentId } = await engineAgent(`requests-${randomBytes(3).toString("hex")}`);
    const res = await keyCall(secret, `/api/v1/assignments/${assignmentId}/reports`, {
      body: report({
        usage: [{ component: "serverless", gpuType: "L4", seconds: 1, requests: 3_000_000_000, costUsd: 0.01 }],
      }),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ usageRefused: [{ reason: expect.stringMatching(/more than Koi counts/) }] });
  });

  it("an event dated year 0 is 400, not 500", async () => {
    const { secret, agentId } = await engineAgent(`events-${randomBytes(3).toString("hex")}`);
    const res = await keyCall(secret, `/api/v1/agents/${agentId}/events`, {
      body: {
        events: [{ eventId: "e-0", at: "0000-01-01T00:00:00Z", type: "replica_failed", source: "agent" }],
      },
    });
    expect(res.status, res.text).toBe(400);
  });

  it.each([
    ["a time in year 0", "0000-01-01T00:00:00Z|x"],
    ["an id holding a NUL", "2026-12-31T00:00:00Z|a\u0000b"],
  ])("a workloads cursor with %s is 400, not 500", async (_what, text) => {
    const cursor = Buffer.from(text).toString("base64url");
    const res = await http(`/api/v1/workloads?cursor=${cursor}`, {
      headers: { authorization: `Bearer ${owner.apiKey}` },
    });
    expect(res.status, res.text).toBe(400);
    expect(res.json).toMatchObject({ error: { code: "validation_failed" } });
  });

  it("another cluster's engine key cannot take an agent over by registering its instance id", async () => {
    const key = async (name: string) =>
      (await createApiKey({ orgId: owner.org.id, actorUserId: null, name, scopes: ["engine"], expiresAt: null }))
        .secret;
    const [x, y] = [await key("cluster-x"), await key("cluster-y")];
    const instanceId = `inst-${randomBytes(6).toString("hex")}`;
    const mine = await keyCall(x, "/api/v1/agents/register", { body: agentRegistration(instanceId, "x-cluster") });
    const { agentId } = mine.json as { agentId: string };
    await keyCall(y, "/api/v1/agents/register", {
      body: agentRegistration(`inst-${randomBytes(6).toString("hex")}`, "y-cluster"),
    });

    const takeover = await keyCall(y, "/api/v1/agents/register", { body: agentRegistration(instanceId, "y-cluster") });
    expect(takeover.status, takeover.text).toBe(409);
    expect((await keyCall(y, `/api/v1/agents/${agentId}/commands?wait=0`)).status).toBe(404);
    expect((await keyCall(x, `/api/v1/agents/${agentId}/commands?wait=0`)).status).toBe(200);
  });

  it("another engine key claiming an agent's next Idempotency-Key first does not turn its report into a 409", async () => {
    const victim = await engineAgent(`victim-${randomBytes(3).toString("hex")}`);
    const other = await engineAgent(`other-${randomBytes(3).toString("hex")}`);
    // koi-agent's keys are predictable: report:<assignment>:<epoch>:<seq>.
    const key = `report:${victim.assignmentId}:1:0`;
    const claimed = await post(other.secret, `/api/v1/assignments/${other.assignmentId}/reports`, report(), key);
    expect(claimed.status, claimed.text).toBe(200);
    const body = report({ progress: { completed: 50, total: 100, unit: "requests" } });
    const real = await post(victim.secret, `/api/v1/assignments/${victim.assignmentId}/reports`, body, key);
    expect(real.status, real.text).toBe(200);
    const row = await prisma.assignment.findUniqueOrThrow({ where: { id: victim.assignmentId } });
    expect(row).toMatchObject({ lastSeq: 0, progressDone: 50 });
    // A retry of the victim's own request is still answered from the first answer.
    const retry = await post(victim.secret, `/api/v1/assignments/${victim.assignmentId}/reports`, body, key);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
  });
});
