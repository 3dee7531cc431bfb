import { describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { markOfflineAgents } from "./mark-offline-agents.ts";
import { recordHeartbeat } from "./record-heartbeat.ts";
import { registerAgent } from "./register-agent.ts";
import { registration } from "./test-fixtures.ts";

describe("markOfflineAgents", () => {
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
});
