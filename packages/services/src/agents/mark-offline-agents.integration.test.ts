import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { markOfflineAgents } from "./mark-offline-agents.ts";
import { recordHeartbeat } from "./record-heartbeat.ts";
import { registerAgent } from "./register-agent.ts";
import { registration } from "./test-fixtures.ts";
import {
  deployedWorkload,
  dropOutboxRows,
  h100Pool,
  liveAssignment,
  orgWithAgent,
} from "../workloads/test-fixtures.ts";

describe("markOfflineAgents", () => {
  afterAll(dropOutboxRows);

  it("flips an agent after 3 missed heartbeats, once, records an event, and a heartbeat brings it back", async () => {
    const org = await createTestOrg();
    const { agentId, heartbeatIntervalSeconds } = await registerAgent(org.id, "k", registration());
    const base = Date.now();
    await prisma.agent.update({ where: { id: agentId }, data: { lastHeartbeatAt: new Date(base) } });

    expect(
      (await markOfflineAgents(new Date(base + 2.5 * heartbeatIntervalSeconds * 1000))).map((a) => a.agentId),
    ).not.toContain(agentId);
    const later = new Date(base + 3.5 * heartbeatIntervalSeconds * 1000);
    const [first, second] = await Promise.all([markOfflineAgents(later), markOfflineAgents(later)]);
    expect([...first, ...second].filter((a) => a.agentId === agentId)).toHaveLength(1);
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).status).toBe("OFFLINE");
    expect(await prisma.engineEvent.count({ where: { agentId, type: "agent_offline" } })).toBe(1);

    await recordHeartbeat(org.id, agentId, { inventory: { pools: [] }, assignments: [] });
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).status).toBe("ONLINE");
    expect(await prisma.engineEvent.count({ where: { agentId, type: "agent_online" } })).toBe(1);
  });

  it("an agent flipped again at the same instant, after a heartbeat stamped by a clock behind, is OFFLINE with one event", async () => {
    const org = await createTestOrg();
    const { agentId } = await registerAgent(org.id, "k", registration());
    const seen = new Date(Date.now() - 3_600_000);
    await prisma.agent.update({ where: { id: agentId }, data: { lastHeartbeatAt: seen } });
    const now = new Date();
    expect(await markOfflineAgents(now)).toContainEqual({ agentId, orgId: org.id });
    // Web and worker hosts' clocks disagree: the heartbeat is stamped an hour before the sweep.
    await recordHeartbeat(org.id, agentId, { inventory: { pools: [] }, assignments: [] }, seen);
    expect(await markOfflineAgents(now)).toContainEqual({ agentId, orgId: org.id });
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).status).toBe("OFFLINE");
    expect(await prisma.engineEvent.count({ where: { agentId, type: "agent_offline" } })).toBe(1);
  });

  it("an agent row another transaction holds does not hold up the sweep: the others flip, it flips in the next one", async () => {
    const org = await createTestOrg();
    const seen = new Date(Date.now() - 3_600_000);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { agentId } = await registerAgent(org.id, `k${i}`, registration());
      await prisma.agent.update({ where: { id: agentId }, data: { lastHeartbeatAt: seen } });
      ids.push(agentId);
    }
    let release = () => {};
    const locked = new Promise<void>((resolve) => (release = resolve));
    let holding = () => {};
    const held = new Promise<void>((resolve) => (holding = resolve));
    // A heartbeat being recorded holds its agent's row; before, the sweep waited for it past its
    // transaction's 5 s and flipped no one.
    const holder = prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "Agent" WHERE id = ${ids[0]} FOR UPDATE`;
        holding();
        await locked;
      },
      { timeout: 30_000 },
    );
    await held;
    try {
      const flipped = (await markOfflineAgents(new Date())).map((a) => a.agentId);
      expect(flipped).toEqual(expect.arrayContaining([ids[1], ids[2]]));
      expect(flipped).not.toContain(ids[0]);
    } finally {
      release();
      await holder;
    }
    expect((await markOfflineAgents(new Date())).map((a) => a.agentId)).toContain(ids[0]);
  }, 20_000);

  it("an agent that never heartbeated goes OFFLINE 3 intervals after it registered, and the event says since registration", async () => {
    const org = await createTestOrg();
    const { agentId, heartbeatIntervalSeconds } = await registerAgent(org.id, "k", registration());
    const registeredAt = new Date(Date.now() - 3_600_000);
    await prisma.agent.update({ where: { id: agentId }, data: { lastHeartbeatAt: null, registeredAt } });
    const now = new Date(registeredAt.getTime() + 3.5 * heartbeatIntervalSeconds * 1000);

    expect(await markOfflineAgents(now)).toContainEqual({ agentId, orgId: org.id });
    expect((await prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).status).toBe("OFFLINE");
    expect(await prisma.engineEvent.findFirstOrThrow({ where: { agentId, type: "agent_offline" } })).toMatchObject({
      detail: "No heartbeat since registration (3 missed).",
    });
  });

  it("the event says since when, and each workload the agent ran is queued for a replan saying why", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const { workload } = await deployedWorkload(org.id, agentId);
    const assignment = await liveAssignment(workload.id);
    // An agent that keeps heartbeating, whose workload must not be replanned.
    const healthy = await orgWithAgent([h100Pool(8)]);
    await deployedWorkload(healthy.org.id, healthy.agentId);
    await prisma.agent.update({ where: { id: healthy.agentId }, data: { lastHeartbeatAt: new Date() } });
    const seen = new Date(Date.now() - 3_600_000);
    await prisma.agent.update({ where: { id: agentId }, data: { lastHeartbeatAt: seen } });
    const now = new Date();

    expect(await markOfflineAgents(now)).toContainEqual({ agentId, orgId: org.id });
    expect(await prisma.engineEvent.findFirstOrThrow({ where: { agentId, type: "agent_offline" } })).toMatchObject({
      orgId: org.id,
      eventId: `agent-offline-${agentId}-${now.getTime()}`,
      reasonCode: "heartbeat_timeout",
      detail: `No heartbeat since ${seen.toISOString()} (3 missed).`,
      payload: {},
      at: now,
      processedAt: now,
    });
    const replan = await prisma.outboxEvent.findUniqueOrThrow({
      where: { jobId: `replan-${assignment.id}-${assignment.epoch}` },
    });
    expect(replan).toMatchObject({
      jobName: "replan-workload",
      orgId: org.id,
      payload: {
        workloadId: workload.id,
        assignmentId: assignment.id,
        reason: `agent went offline (no heartbeat since ${seen.toISOString()})`,
      },
    });
    expect(await prisma.outboxEvent.count({ where: { jobName: "replan-workload", orgId: healthy.org.id } })).toBe(0);
  });
});
