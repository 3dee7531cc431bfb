import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTestOrg } from "@koi/db/factories";
import { prisma } from "@koi/db";
import { assertKeyActsForAgent } from "./key-acts-for.ts";
import { registerAgent } from "./register-agent.ts";
import { registration } from "./test-fixtures.ts";

const t0 = new Date("2026-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

/** A real engine key row: the rotation rules read its createdAt, revokedAt and expiresAt. */
async function engineKey(
  orgId: string,
  opts: { createdAt: Date; revokedAt?: Date | null; expiresAt?: Date | null },
): Promise<string> {
  const s = randomBytes(8).toString("hex");
  const row = await prisma.apiKey.create({
    data: {
      orgId,
      name: `engine ${s}`,
      prefix: "koi_live_",
      lastFour: s.slice(-4),
      keyHash: `test-${s}`,
      scopes: ["engine"],
      ...opts,
    },
  });
  return row.id;
}

/** Everything a registration may write about an agent, to check that a refused one wrote nothing. */
async function writtenFor(orgId: string, agentId: string) {
  const agent = await prisma.agent.findUniqueOrThrow({ where: { id: agentId }, include: { cluster: true } });
  const events = await prisma.engineEvent.findMany({ where: { agentId }, orderBy: { at: "asc" } });
  const audits = await prisma.auditEvent.findMany({
    where: { orgId, targetId: agentId },
    orderBy: { createdAt: "asc" },
  });
  return { agent, events, audits };
}

describe("registerAgent: a first registration", () => {
  it("creates the cluster and an ONLINE agent with exactly what was sent, and records it", async () => {
    const org = await createTestOrg();
    const input = {
      ...registration("orca"),
      engineVersion: "2.3.1",
      agentVersion: "0.4.2",
      hostname: "gpu-box-7",
      cluster: { name: "eu-west", kind: "on-prem" as const, provider: "runpod", region: "eu-west-2" },
      capabilities: ["spot" as const, "pause" as const, "spot" as const, "scale" as const, "pause" as const],
    };

    const registered = await registerAgent(org.id, "key_first", input, t0);

    expect(registered).toEqual({ agentId: expect.any(String), heartbeatIntervalSeconds: 15, commandWaitSeconds: 30 });
    const { agent, events, audits } = await writtenFor(org.id, registered.agentId);
    expect(agent).toMatchObject({
      orgId: org.id,
      instanceId: input.instanceId,
      apiKeyId: "key_first",
      engine: "orca",
      version: "0.4.2",
      engineVersion: "2.3.1",
      hostname: "gpu-box-7",
      capabilities: ["spot", "pause", "scale"],
      status: "ONLINE",
      heartbeatIntervalSeconds: 15,
      lastHeartbeatAt: t0,
    });
    expect(agent.cluster).toMatchObject({
      orgId: org.id,
      name: "eu-west",
      kind: "on-prem",
      provider: "runpod",
      region: "eu-west-2",
    });
    expect(events).toEqual([
      expect.objectContaining({
        orgId: org.id,
        agentId: agent.id,
        eventId: expect.stringMatching(new RegExp(`^agent_registered-${agent.id}-${t0.getTime()}-[0-9a-f-]{36}$`)),
        type: "agent_registered",
        reasonCode: null,
        detail: null,
        engineRef: null,
        payload: { engine: "orca", agentVersion: "0.4.2", cluster: "eu-west" },
        at: t0,
        processedAt: t0,
      }),
    ]);
    expect(audits).toEqual([
      expect.objectContaining({
        orgId: org.id,
        actorUserId: null,
        action: "agent.registered",
        targetType: "agent",
        targetId: agent.id,
        data: { apiKeyId: "key_first", engine: "orca" },
      }),
    ]);
  });

  it("stores no region or hostname when none was sent", async () => {
    const org = await createTestOrg();
    const base = registration();
    const input = { ...base, cluster: { name: "lab", kind: "on-prem" as const, provider: "on-prem" } };
    const { agentId } = await registerAgent(org.id, "key_a", input, t0);
    const { agent } = await writtenFor(org.id, agentId);
    expect(agent.hostname).toBeNull();
    expect(agent.engineVersion).toBeNull();
    expect(agent.cluster).toMatchObject({ name: "lab", kind: "on-prem", provider: "on-prem", region: null });
  });

  it("joins an existing cluster of the same name in its org, and not another org's", async () => {
    const org = await createTestOrg();
    const other = await createTestOrg();
    const theirs = await registerAgent(other.id, "key_other", registration(), t0);
    const first = await registerAgent(org.id, "key_a", registration(), t0);
    const second = await registerAgent(org.id, "key_a", registration(), t0);

    const [a, b, c] = await Promise.all(
      [first, second, theirs].map((r) => prisma.agent.findUniqueOrThrow({ where: { id: r.agentId } })),
    );
    expect(b!.clusterId).toBe(a!.clusterId);
    expect(c!.clusterId).not.toBe(a!.clusterId);
    expect(await prisma.cluster.count({ where: { orgId: org.id } })).toBe(1);
  });

  it("the same instance id in another org is another agent", async () => {
    const org = await createTestOrg();
    const other = await createTestOrg();
    const input = registration();
    const mine = await registerAgent(org.id, "key_a", input, t0);
    const theirs = await registerAgent(other.id, "key_b", input, t0);
    expect(theirs.agentId).not.toBe(mine.agentId);
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: mine.agentId } })).apiKeyId).toBe("key_a");
  });
});

describe("registerAgent: agents starting together", () => {
  it("registers a dozen new agents of one new cluster at once, every one of them", async () => {
    const org = await createTestOrg();
    const inputs = Array.from({ length: 12 }, () => registration());
    const results = await Promise.allSettled(inputs.map((input) => registerAgent(org.id, "key_fleet", input, t0)));

    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const clusters = await prisma.cluster.findMany({ where: { orgId: org.id } });
    expect(clusters).toHaveLength(1);
    expect(await prisma.agent.count({ where: { orgId: org.id, clusterId: clusters[0]!.id } })).toBe(12);
  });

  it("re-registrations of one agent at the same instant are both recorded", async () => {
    const org = await createTestOrg();
    const input = registration();
    const { agentId } = await registerAgent(org.id, "key_fleet", input, t0);
    await Promise.all([
      registerAgent(org.id, "key_fleet", input, at(1)),
      registerAgent(org.id, "key_fleet", input, at(1)),
    ]);

    const events = await prisma.engineEvent.findMany({ where: { agentId } });
    expect(events.map((e) => e.type).sort()).toEqual(["agent_registered", "agent_reregistered", "agent_reregistered"]);
  });

  it("one agent registering twice at once (a retry racing the first try) gets one id", async () => {
    const org = await createTestOrg();
    const input = registration();
    const [a, b] = await Promise.all([
      registerAgent(org.id, "key_fleet", input, t0),
      registerAgent(org.id, "key_fleet", input, t0),
    ]);

    expect(a.agentId).toBe(b.agentId);
    expect(await prisma.agent.count({ where: { orgId: org.id } })).toBe(1);
  });
});

describe("registerAgent: registering again", () => {
  it("gives a restarted agent its old id back, ONLINE again, with the cluster and fields as now sent", async () => {
    const org = await createTestOrg();
    const input = registration("sim");
    const first = await registerAgent(org.id, "key_a", { ...input, hostname: "old-host" }, t0);
    await prisma.agent.update({
      where: { id: first.agentId },
      data: { status: "OFFLINE", heartbeatIntervalSeconds: 45 },
    });

    const again = {
      ...input,
      agentVersion: "0.2.0",
      engineVersion: "9.9",
      cluster: { name: input.cluster.name, kind: "on-prem" as const, provider: "gcp" },
      capabilities: ["swap" as const, "swap" as const],
    };
    const second = await registerAgent(org.id, "key_a", again, at(60_000));

    // The interval is the agent's own (not reset to the default on a restart).
    expect(second).toEqual({ agentId: first.agentId, heartbeatIntervalSeconds: 45, commandWaitSeconds: 30 });
    const { agent, events, audits } = await writtenFor(org.id, first.agentId);
    expect(agent).toMatchObject({
      apiKeyId: "key_a",
      version: "0.2.0",
      engineVersion: "9.9",
      hostname: null,
      capabilities: ["swap"],
      status: "ONLINE",
      lastHeartbeatAt: at(60_000),
      heartbeatIntervalSeconds: 45,
    });
    expect(agent.cluster).toMatchObject({ name: input.cluster.name, kind: "on-prem", provider: "gcp", region: null });
    expect(await prisma.cluster.count({ where: { orgId: org.id } })).toBe(1);
    expect(events.map((e) => [e.type, e.eventId, e.at, e.processedAt])).toEqual([
      ["agent_registered", expect.stringMatching(`^agent_registered-${agent.id}-${t0.getTime()}-`), t0, t0],
      [
        "agent_reregistered",
        expect.stringMatching(`^agent_reregistered-${agent.id}-${at(60_000).getTime()}-`),
        at(60_000),
        at(60_000),
      ],
    ]);
    expect(events[1]!.payload).toEqual({ engine: "sim", agentVersion: "0.2.0", cluster: input.cluster.name });
    // Same key: a restart is not audited, only the first registration.
    expect(audits.map((a) => a.action)).toEqual(["agent.registered"]);
  });

  it("an agent written before keys were recorded takes the key it registers with, without a re-key audit", async () => {
    const org = await createTestOrg();
    const input = registration();
    const cluster = await prisma.cluster.create({ data: { orgId: org.id, name: "legacy", kind: "cloud" } });
    const legacy = await prisma.agent.create({
      data: {
        orgId: org.id,
        clusterId: cluster.id,
        instanceId: input.instanceId,
        engine: "sim",
        version: "0.0.1",
        status: "OFFLINE",
      },
    });

    expect((await registerAgent(org.id, "key_now", input, t0)).agentId).toBe(legacy.id);
    const { agent, events, audits } = await writtenFor(org.id, legacy.id);
    expect(agent).toMatchObject({ apiKeyId: "key_now", status: "ONLINE", clusterId: expect.any(String) });
    expect(agent.clusterId).not.toBe(cluster.id);
    expect(events.map((e) => e.type)).toEqual(["agent_reregistered"]);
    expect(audits).toEqual([]);
  });
});

describe("registerAgent: key rotation", () => {
  it("a newer key takes the agent over, audited with the key it replaced", async () => {
    const org = await createTestOrg();
    const oldKey = await engineKey(org.id, { createdAt: at(-86_400_000) });
    const newKey = await engineKey(org.id, { createdAt: at(-1_000) });
    const input = registration("orca");
    const { agentId } = await registerAgent(org.id, oldKey, input, t0);

    expect(await registerAgent(org.id, newKey, input, at(1_000))).toMatchObject({ agentId });
    const { agent, audits } = await writtenFor(org.id, agentId);
    expect(agent.apiKeyId).toBe(newKey);
    expect(audits).toEqual([
      expect.objectContaining({ action: "agent.registered", data: { apiKeyId: oldKey, engine: "orca" } }),
      expect.objectContaining({
        orgId: org.id,
        action: "agent.rekeyed",
        targetType: "agent",
        targetId: agentId,
        data: { apiKeyId: newKey, engine: "orca", previousApiKeyId: oldKey },
      }),
    ]);
  });

  it("refuses an older key with CONFLICT while the newer one works, writing nothing; the newer one still works", async () => {
    const org = await createTestOrg();
    const oldKey = await engineKey(org.id, { createdAt: at(-86_400_000) });
    const newKey = await engineKey(org.id, { createdAt: at(-1_000), expiresAt: at(3_600_000) });
    const input = registration("orca");
    const { agentId } = await registerAgent(org.id, newKey, input, t0);
    await prisma.agent.update({ where: { id: agentId }, data: { status: "OFFLINE" } });
    const before = await writtenFor(org.id, agentId);

    const moved = { ...input, agentVersion: "9.0.0", cluster: { ...input.cluster, provider: "gcp", region: "x" } };
    await expect(registerAgent(org.id, oldKey, moved, at(1_000))).rejects.toMatchObject({
      name: "AppError",
      code: "CONFLICT",
      message:
        "This agent instance is registered with a newer engine key. Start it with that key, or revoke that key first.",
    });
    expect(await writtenFor(org.id, agentId)).toEqual(before);

    expect(await registerAgent(org.id, newKey, input, at(2_000))).toMatchObject({ agentId });
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).status).toBe("ONLINE");
  });

  it("refuses another cluster's key taking the agent while its own key works, writing nothing", async () => {
    const org = await createTestOrg();
    const xKey = await engineKey(org.id, { createdAt: at(-86_400_000) });
    const yKey = await engineKey(org.id, { createdAt: at(-1_000) });
    const x = { ...registration("orca"), cluster: { name: "x-cluster", kind: "cloud" as const, provider: "aws" } };
    const { agentId } = await registerAgent(org.id, xKey, x, t0);
    await registerAgent(org.id, yKey, { ...registration("orca"), cluster: { ...x.cluster, name: "y-cluster" } }, t0);
    const before = await writtenFor(org.id, agentId);
    const refused = {
      name: "AppError",
      code: "CONFLICT",
      message: expect.stringMatching(/^This agent instance belongs to another cluster/),
    };

    // Y's key, which runs y-cluster's agents, naming either cluster.
    await expect(
      registerAgent(org.id, yKey, { ...x, cluster: { ...x.cluster, name: "y-cluster" } }, at(1_000)),
    ).rejects.toMatchObject(refused);
    await expect(registerAgent(org.id, yKey, x, at(1_000))).rejects.toMatchObject(refused);
    expect(await writtenFor(org.id, agentId)).toEqual(before);

    // A fresh key naming the agent's own cluster is a rotation.
    const rotated = await engineKey(org.id, { createdAt: at(-500) });
    expect(await registerAgent(org.id, rotated, x, at(2_000))).toMatchObject({ agentId });
  });

  it("lets an older key take over once the newer one is revoked", async () => {
    const org = await createTestOrg();
    const oldKey = await engineKey(org.id, { createdAt: at(-86_400_000) });
    const newKey = await engineKey(org.id, { createdAt: at(-1_000), revokedAt: at(500) });
    const input = registration();
    const { agentId } = await registerAgent(org.id, newKey, input, t0);

    await registerAgent(org.id, oldKey, input, at(1_000));
    const { agent, audits } = await writtenFor(org.id, agentId);
    expect(agent.apiKeyId).toBe(oldKey);
    expect(audits.at(-1)).toMatchObject({
      action: "agent.rekeyed",
      data: { apiKeyId: oldKey, engine: "sim", previousApiKeyId: newKey },
    });
  });

  it("a newer key that expires exactly now no longer holds the agent; one expiring a millisecond later does", async () => {
    const org = await createTestOrg();
    const oldKey = await engineKey(org.id, { createdAt: at(-86_400_000) });
    const expiring = await engineKey(org.id, { createdAt: at(-1_000), expiresAt: at(10_000) });
    const input = registration();
    const { agentId } = await registerAgent(org.id, expiring, input, t0);

    await expect(registerAgent(org.id, oldKey, input, at(9_999))).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).apiKeyId).toBe(expiring);

    await registerAgent(org.id, oldKey, input, at(10_000));
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).apiKeyId).toBe(oldKey);
  });

  it("keys made at the same instant may take the agent from each other", async () => {
    const org = await createTestOrg();
    const a = await engineKey(org.id, { createdAt: at(-1_000) });
    const b = await engineKey(org.id, { createdAt: at(-1_000) });
    const input = registration();
    const { agentId } = await registerAgent(org.id, a, input, t0);
    await registerAgent(org.id, b, input, at(1));
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).apiKeyId).toBe(b);
  });

  it("a key whose row is gone holds nothing, and a key with no row is not refused", async () => {
    const org = await createTestOrg();
    const deleted = await engineKey(org.id, { createdAt: at(-1_000) });
    const older = await engineKey(org.id, { createdAt: at(-86_400_000) });
    const input = registration();
    const { agentId } = await registerAgent(org.id, deleted, input, t0);
    await prisma.apiKey.delete({ where: { id: deleted } });

    await registerAgent(org.id, older, input, at(1));
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).apiKeyId).toBe(older);
    await registerAgent(org.id, "key_without_row", input, at(2));
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).apiKeyId).toBe("key_without_row");
  });

  it("a re-key is seen at once by the key check, which had the old key cached", async () => {
    const org = await createTestOrg();
    const oldKey = await engineKey(org.id, { createdAt: at(-86_400_000) });
    const newKey = await engineKey(org.id, { createdAt: at(-1_000) });
    const input = registration();
    const { agentId } = await registerAgent(org.id, oldKey, input, t0);
    const nowMs = Date.now();
    await assertKeyActsForAgent({ id: oldKey, orgId: org.id }, agentId, nowMs);

    await registerAgent(org.id, newKey, input, at(1));
    await expect(assertKeyActsForAgent({ id: oldKey, orgId: org.id }, agentId, nowMs + 1)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(assertKeyActsForAgent({ id: newKey, orgId: org.id }, agentId, nowMs + 2)).resolves.toBeUndefined();
  });
});
