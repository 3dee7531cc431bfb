import { afterAll, describe, expect, it } from "vitest";
import type { TGpuPool } from "@koi/contracts/agent/heartbeat";
import { heartbeats } from "@koi/core/metrics/koi-metrics";
import { createTestOrg } from "@koi/db/factories";
import { prisma } from "@koi/db";
import { commandWakeups } from "./command-wakeups.ts";
import { recordHeartbeat } from "./record-heartbeat.ts";
import { registerAgent } from "./register-agent.ts";
import { agentWithAssignment, registration } from "./test-fixtures.ts";

// recordHeartbeat called directly: when it rewrites the inventory, and what it revokes.

afterAll(async () => {
  await commandWakeups().stop();
});

const pool = (id: string, available: number): TGpuPool => ({
  id,
  gpuType: "H100-SXM",
  market: "on-demand",
  total: 16,
  available,
  quota: null,
  pricePerGpuHour: 6.88,
});
const pools = [pool("h100-a", 8), pool("h100-b", 4)];

const counted = async (inventory: string) =>
  (await heartbeats.get()).values.find((v) => v.labels.inventory === inventory)?.value ?? 0;
const available = async (agentId: string) =>
  Object.fromEntries(
    (await prisma.gpuPool.findMany({ where: { agentId } })).map((p) => [p.externalId, p.available] as const),
  );
const onlineEvents = (agentId: string) => prisma.engineEvent.findMany({ where: { agentId, type: "agent_online" } });

/** An ONLINE agent that has reported `pools` once. */
async function onlineAgent() {
  const { org, agentId, assignment } = await agentWithAssignment();
  await recordHeartbeat(org.id, agentId, { inventory: { pools }, assignments: [] });
  return { org, agentId, assignment };
}

describe("recordHeartbeat inventory", () => {
  it("the same inventory from an online agent rewrites nothing", async () => {
    const { org, agentId } = await onlineAgent();
    // Changed behind the agent's back: a rewrite would put the reported figures back.
    await prisma.gpuPool.updateMany({ where: { agentId }, data: { available: 0 } });
    const unchanged = await counted("unchanged");
    await expect(recordHeartbeat(org.id, agentId, { inventory: { pools }, assignments: [] })).resolves.toEqual({
      nextHeartbeatSeconds: 15,
      revokedAssignments: [],
    });
    expect(await available(agentId)).toEqual({ "h100-a": 0, "h100-b": 0 });
    expect(await onlineEvents(agentId)).toEqual([]);
    expect(await counted("unchanged")).toBe(unchanged + 1);
  });

  it("a changed inventory is rewritten (pools gone are deleted) without an agent_online event", async () => {
    const { org, agentId } = await onlineAgent();
    const rewritten = await counted("rewritten");
    await recordHeartbeat(org.id, agentId, { inventory: { pools: [pool("h100-a", 2)] }, assignments: [] });
    expect(await available(agentId)).toEqual({ "h100-a": 2 });
    expect(await onlineEvents(agentId)).toEqual([]);
    expect(await counted("rewritten")).toBe(rewritten + 1);
  });

  it("a rewrite stores each pool's quota, replica sizes and shape (null or empty when there are none)", async () => {
    const { org, agentId } = await onlineAgent();
    const shaped: TGpuPool = {
      ...pool("h100-a", 8),
      quota: 16,
      replicaSizes: [2, 8],
      shape: { instanceType: "p5.48xlarge", gpusPerMachine: 8 },
    };
    const plain = pool("h100-b", 4);
    await recordHeartbeat(org.id, agentId, { inventory: { pools: [shaped, plain] }, assignments: [] });
    const stored = await prisma.gpuPool.findMany({ where: { agentId }, orderBy: { externalId: "asc" } });
    expect(stored).toMatchObject([
      {
        externalId: "h100-a",
        quota: 16,
        replicaSizes: [2, 8],
        shape: { instanceType: "p5.48xlarge", gpusPerMachine: 8 },
      },
      { externalId: "h100-b", quota: null, replicaSizes: [], shape: null },
    ]);
  });

  it("a rewrite keeps the rows of pools still reported and touches no other agent's pools", async () => {
    const { org, agentId } = await onlineAgent();
    const other = await onlineAgent();
    const kept = await prisma.gpuPool.findUniqueOrThrow({
      where: { agentId_externalId: { agentId, externalId: "h100-a" } },
    });
    await recordHeartbeat(org.id, agentId, { inventory: { pools: [pool("h100-a", 1)] }, assignments: [] });
    expect(await prisma.gpuPool.findMany({ where: { agentId } })).toMatchObject([
      { id: kept.id, externalId: "h100-a", available: 1 },
    ]);
    expect(await available(other.agentId)).toEqual({ "h100-a": 8, "h100-b": 4 });
  });

  it("no inventory (engine unreadable) keeps the pools and their hash", async () => {
    const { org, agentId } = await onlineAgent();
    const { inventoryHash } = await prisma.agent.findUniqueOrThrow({ where: { id: agentId } });
    await recordHeartbeat(org.id, agentId, { inventory: null, assignments: [] });
    expect(await available(agentId)).toEqual({ "h100-a": 8, "h100-b": 4 });
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).inventoryHash).toBe(inventoryHash);
  });

  it("an offline agent coming back with the same inventory is rewritten, set ONLINE, and an event recorded", async () => {
    const { org, agentId } = await onlineAgent();
    await prisma.agent.update({ where: { id: agentId }, data: { status: "OFFLINE" } });
    await prisma.gpuPool.updateMany({ where: { agentId }, data: { available: 0 } });
    const now = new Date("2026-03-01T12:00:00.000Z");
    await recordHeartbeat(org.id, agentId, { inventory: { pools }, assignments: [] }, now);
    expect(await available(agentId)).toEqual({ "h100-a": 8, "h100-b": 4 });
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).status).toBe("ONLINE");
    expect(await onlineEvents(agentId)).toMatchObject([
      { orgId: org.id, eventId: `agent-online-${agentId}-${now.getTime()}`, at: now, processedAt: now, payload: {} },
    ]);
  });

  it("a DEGRADED agent counts as coming back too, and one coming back without an inventory keeps its pools", async () => {
    const { org, agentId } = await onlineAgent();
    await prisma.agent.update({ where: { id: agentId }, data: { status: "DEGRADED" } });
    await recordHeartbeat(org.id, agentId, { inventory: null, assignments: [] });
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).status).toBe("ONLINE");
    expect(await available(agentId)).toEqual({ "h100-a": 8, "h100-b": 4 });
    expect(await onlineEvents(agentId)).toHaveLength(1);
  });

  it("an unknown agent and another org's are NOT_FOUND, with nothing written", async () => {
    const { agentId } = await agentWithAssignment();
    const other = await createTestOrg();
    const before = await prisma.agent.findUniqueOrThrow({ where: { id: agentId } });
    for (const [orgId, id] of [
      [other.id, agentId],
      [other.id, "no-such-agent"],
    ] as const) {
      await expect(recordHeartbeat(orgId, id, { inventory: { pools }, assignments: [] })).rejects.toMatchObject({
        code: "NOT_FOUND",
        message: "No such agent.",
      });
    }
    expect(await prisma.gpuPool.count({ where: { agentId } })).toBe(0);
    expect(await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).toEqual(before);
  });
});

describe("recordHeartbeat revoked assignments", () => {
  it("revokes what is behind our epoch, another agent's, and unknown ids, each with the epoch reported", async () => {
    const { org, agentId, assignment } = await onlineAgent();
    const current = await prisma.assignment.create({ data: { orgId: org.id, agentId, state: "running", epoch: 2 } });
    const ahead = await prisma.assignment.create({ data: { orgId: org.id, agentId, state: "running", epoch: 2 } });
    await prisma.assignment.update({ where: { id: assignment.id }, data: { epoch: 3 } });
    const { agentId: otherAgent } = await registerAgent(org.id, "key_test", registration());
    const others = await prisma.assignment.create({ data: { orgId: org.id, agentId: otherAgent, state: "running" } });
    const otherOrg = await agentWithAssignment();
    const res = await recordHeartbeat(org.id, agentId, {
      inventory: { pools },
      assignments: [
        { assignmentId: assignment.id, epoch: 2, state: "running", engineRef: null },
        { assignmentId: current.id, epoch: 2, state: "running", engineRef: null },
        { assignmentId: ahead.id, epoch: 3, state: "running", engineRef: null },
        { assignmentId: others.id, epoch: 1, state: "running", engineRef: null },
        { assignmentId: otherOrg.assignment.id, epoch: 1, state: "running", engineRef: null },
        { assignmentId: "no-such-assignment", epoch: 4, state: "running", engineRef: null },
      ],
    });
    expect(res.revokedAssignments).toEqual([
      { assignmentId: assignment.id, epoch: 2 },
      { assignmentId: others.id, epoch: 1 },
      { assignmentId: otherOrg.assignment.id, epoch: 1 },
      { assignmentId: "no-such-assignment", epoch: 4 },
    ]);
  });

  it("an agent reporting only its current assignments, or none, has nothing revoked", async () => {
    const { org, agentId, assignment } = await onlineAgent();
    const running = [{ assignmentId: assignment.id, epoch: 1, state: "running" as const, engineRef: null }];
    for (const assignments of [running, []]) {
      expect(
        (await recordHeartbeat(org.id, agentId, { inventory: { pools }, assignments })).revokedAssignments,
      ).toEqual([]);
    }
  });
});
