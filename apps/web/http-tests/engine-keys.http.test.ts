import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "@koi/auth/api-keys/manage-api-keys";
import { agentRegistration, createOwner, heartbeatBody, http, keyCall, prisma } from "./support/http.ts";

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

async function register(secret: string, instanceId: string) {
  const res = await keyCall(secret, "/api/v1/agents/register", { body: agentRegistration(instanceId) });
  return { status: res.status, agentId: (res.json as { agentId?: string }).agentId, json: res.json };
}

/** A running batch workload's assignment on the agent, written as Koi's planner would. */
async function runningAssignment(agentId: string, name: string) {
  const workload = await prisma.workload.create({
    data: {
      orgId: owner.org.id,
      name,
      kind: "batch",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      spec: {},
      status: "RUNNING",
      progressTotal: 10,
    },
  });
  return prisma.assignment.create({
    data: { orgId: owner.org.id, agentId, workloadId: workload.id, state: "running", placement: {} },
  });
}

describe("an engine key acts only for its own agents (through the running server)", () => {
  it("another key of the same org gets 404 for the agent's heartbeat, commands, events and assignment reports", async () => {
    const a = await engineKey(`cluster-a-${randomBytes(3).toString("hex")}`);
    const b = await engineKey(`cluster-b-${randomBytes(3).toString("hex")}`);
    const { agentId } = await register(a.secret, `inst-${randomBytes(6).toString("hex")}`);
    expect(agentId).toBeTruthy();
    const heartbeat = heartbeatBody();

    const own = await keyCall(a.secret, `/api/v1/agents/${agentId}/heartbeat`, { body: heartbeat });
    expect(own.status, JSON.stringify(own.json)).toBe(200);
    const refused = await keyCall(b.secret, `/api/v1/agents/${agentId}/heartbeat`, { body: heartbeat });
    expect(refused.status).toBe(404);
    expect(refused.json).toMatchObject({ error: { code: "not_found", requestId: expect.any(String) } });
    expect((await keyCall(b.secret, `/api/v1/agents/${agentId}/commands?wait=0`)).status).toBe(404);
    expect((await keyCall(b.secret, `/api/v1/agents/${agentId}/events`, { body: { events: [] } })).status).toBe(404);
    expect(
      (await keyCall(b.secret, `/api/v1/agents/${agentId}/commands/cmd_x/ack`, { body: { status: "completed" } }))
        .status,
    ).toBe(404);

    // The agent's assignment: its own key reaches it (a 4xx about the body, not 404); the other key does not.
    const assignment = await runningAssignment(agentId!, "keyed");
    const report = { epoch: 2, seq: 0, state: "running", at: new Date().toISOString() };
    const ownReport = await keyCall(a.secret, `/api/v1/assignments/${assignment.id}/reports`, { body: report });
    expect(ownReport.status).not.toBe(404);
    expect(ownReport.status).toBeLessThan(500);
    expect((await keyCall(b.secret, `/api/v1/assignments/${assignment.id}/reports`, { body: report })).status).toBe(
      404,
    );
  });

  it("a newer key takes the agent over on registering (rotation); the older key is then refused and cannot take it back", async () => {
    const instanceId = `inst-${randomBytes(6).toString("hex")}`;
    const old = await engineKey("rotate-old");
    const { agentId } = await register(old.secret, instanceId);
    const next = await engineKey("rotate-new");

    const moved = await register(next.secret, instanceId);
    expect(moved).toMatchObject({ status: 200, agentId });
    // Other processes may trust what they read for up to 5 s; this server forgot it on registering.
    expect((await keyCall(next.secret, `/api/v1/agents/${agentId}/heartbeat`, { body: heartbeatBody() })).status).toBe(
      200,
    );
    expect((await keyCall(old.secret, `/api/v1/agents/${agentId}/heartbeat`, { body: heartbeatBody() })).status).toBe(
      404,
    );

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

  it("Orca's webhooks move only the key's own assignments, and another key cannot claim an event id first", async () => {
    const a = await engineKey(`orca-a-${randomBytes(3).toString("hex")}`);
    const b = await engineKey(`orca-b-${randomBytes(3).toString("hex")}`);
    const { agentId } = await register(a.secret, `inst-${randomBytes(6).toString("hex")}`);
    const group = `mo-${randomBytes(4).toString("hex")}`;
    const assignment = await prisma.assignment.create({
      data: { orgId: owner.org.id, agentId: agentId!, engineRef: group, state: "launching", placement: {} },
    });
    const started = { event_id: `job_started:${group}-r0`, job_id: `${group}-r0`, group_id: group };
    const stateNow = async () => (await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).state;

    // Key b is answered 200 (Orca retries anything else forever), and nothing of key a's moves.
    const foreign = await keyCall(b.secret, "/api/v1/orca/job/started", { body: started });
    expect(foreign.status).toBe(200);
    expect(await stateNow()).toBe("launching");
    // Key a's own event with the same id is not taken for a duplicate of key b's.
    const own = await keyCall(a.secret, "/api/v1/orca/job/started", { body: started });
    expect(own.json).toMatchObject({ status: "recorded" });
    expect(await stateNow()).toBe("running");
  });

  it("an Orca event holding a NUL or half a surrogate pair is 200 and stored with U+FFFD (Orca retries a 4xx forever)", async () => {
    const a = await engineKey(`orca-odd-${randomBytes(3).toString("hex")}`);
    const id = `replica_failed:odd-${randomBytes(4).toString("hex")}`;
    const res = await keyCall(a.secret, "/api/v1/orca/job/replica-failed", {
      body: { event_id: id, job_id: "odd-r0", group_id: "odd", reason: "stderr: \u0000 then \ud800" },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const row = await prisma.engineEvent.findUniqueOrThrow({
      where: { orgId_eventId: { orgId: owner.org.id, eventId: `${a.id}:${id}` } },
    });
    expect(row.detail).toBe("stderr: \ufffd then \ufffd");
  });
});

describe("agents starting together (through the running server)", () => {
  it("a dozen agents of a new cluster registering at once all get in, and a retry racing its first try gets the same id", async () => {
    const { secret } = await engineKey(`fleet-${randomBytes(3).toString("hex")}`);
    const cluster = `fleet-${randomBytes(4).toString("hex")}`;
    const ids = Array.from({ length: 12 }, () => `inst-${randomBytes(6).toString("hex")}`);
    const answers = await Promise.all(
      ids.map((id) => keyCall(secret, "/api/v1/agents/register", { body: agentRegistration(id, cluster) })),
    );
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));

    const twice = await Promise.all(
      [0, 1].map(() => keyCall(secret, "/api/v1/agents/register", { body: agentRegistration(ids[0]!, cluster) })),
    );
    expect(twice.map((a) => a.status)).toEqual([200, 200]);
    expect(new Set(twice.map((a) => (a.json as { agentId: string }).agentId))).toEqual(
      new Set([(answers[0]!.json as { agentId: string }).agentId]),
    );
  }, 60_000);
});

describe("polling for commands", () => {
  it("HEAD, and a wait given twice, are refused and claim nothing: the agent's next GET gets the command", async () => {
    const key = await engineKey(`head-${randomBytes(3).toString("hex")}`);
    const { agentId } = await register(key.secret, `inst-${randomBytes(6).toString("hex")}`);
    const assignment = await runningAssignment(agentId!, "polled");
    const command = await prisma.command.create({
      data: {
        orgId: owner.org.id,
        agentId: agentId!,
        assignmentId: assignment.id,
        type: "stop",
        payload: {},
        epoch: 1,
      },
    });
    const head = await http(`/api/v1/agents/${agentId}/commands?wait=0`, {
      method: "HEAD",
      headers: { authorization: `Bearer ${key.secret}` },
    });
    expect(head.status).toBe(405);
    expect(head.headers.get("allow")).toBe("GET, OPTIONS");
    const options = await http(`/api/v1/agents/${agentId}/commands`, { method: "OPTIONS" });
    expect([options.status, options.headers.get("allow")]).toEqual([204, "GET, OPTIONS"]);
    expect((await prisma.command.findUniqueOrThrow({ where: { id: command.id } })).status).toBe("PENDING");
    const twice = await keyCall(key.secret, `/api/v1/agents/${agentId}/commands?wait=0&wait=30`);
    expect(twice.status).toBe(400);
    expect(twice.json).toMatchObject({ error: { issues: [{ path: "wait" }] } });
    const poll = await keyCall(key.secret, `/api/v1/agents/${agentId}/commands?wait=0`);
    expect((poll.json as { commands: { commandId: string }[] }).commands.map((c) => c.commandId)).toEqual([command.id]);
  });
});
