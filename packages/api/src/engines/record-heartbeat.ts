import { createHash } from "node:crypto";
import { prisma, type Prisma } from "@koi/db";
import { findAgentInOrg } from "./find-agent.ts";

export type TInventoryPool = {
  id: string;
  gpuType: string;
  market: string;
  total: number;
  available: number;
  quota?: number | null;
  pricePerGpuHour: number;
};

export type THeartbeat = {
  inventory: { pools: TInventoryPool[] };
  assignments: { assignmentId: string; epoch: number; state: string }[];
  metrics?: Record<string, unknown>;
};

/**
 * Marks the agent alive, rewrites its GPU pools only when the inventory changed, and tells it
 * which of its assignments are stale (an epoch older than ours) so it can abort them.
 */
export async function recordHeartbeat(orgId: string, agentId: string, input: THeartbeat, now = new Date()) {
  const agent = await findAgentInOrg(orgId, agentId);
  const inventoryHash = createHash("sha256").update(JSON.stringify(input.inventory.pools)).digest("hex");
  const wasOffline = agent.status !== "ONLINE";

  if (inventoryHash !== agent.inventoryHash || wasOffline) {
    await prisma.$transaction(async (tx) => {
      await tx.agent.update({
        where: { id: agent.id },
        data: { lastHeartbeatAt: now, status: "ONLINE", inventoryHash, metrics: (input.metrics ?? {}) as Prisma.InputJsonValue },
      });
      await tx.gpuPool.deleteMany({ where: { agentId: agent.id, externalId: { notIn: input.inventory.pools.map((p) => p.id) } } });
      for (const pool of input.inventory.pools) {
        const data = { gpuType: pool.gpuType, market: pool.market, total: pool.total, available: pool.available, quota: pool.quota ?? null, pricePerGpuHour: pool.pricePerGpuHour };
        await tx.gpuPool.upsert({
          where: { agentId_externalId: { agentId: agent.id, externalId: pool.id } },
          create: { orgId, clusterId: agent.clusterId, agentId: agent.id, externalId: pool.id, ...data },
          update: data,
        });
      }
      if (wasOffline) {
        await tx.engineEvent.create({
          data: { orgId, agentId: agent.id, eventId: `agent-online-${agent.id}-${now.getTime()}`, type: "agent_online", payload: {}, at: now, processedAt: now },
        });
      }
    });
  } else {
    await prisma.agent.update({
      where: { id: agent.id },
      data: { lastHeartbeatAt: now, ...(input.metrics ? { metrics: input.metrics as Prisma.InputJsonValue } : {}) },
    });
  }

  let staleAssignments: { assignmentId: string; currentEpoch: number }[] = [];
  if (input.assignments.length) {
    const current = await prisma.assignment.findMany({
      where: { orgId, agentId: agent.id, id: { in: input.assignments.map((a) => a.assignmentId) } },
      select: { id: true, epoch: true },
    });
    const epochs = new Map(current.map((a) => [a.id, a.epoch]));
    staleAssignments = input.assignments
      .filter((a) => (epochs.get(a.assignmentId) ?? Number.POSITIVE_INFINITY) > a.epoch)
      .map((a) => ({ assignmentId: a.assignmentId, currentEpoch: epochs.get(a.assignmentId) ?? -1 }));
  }
  return { nextHeartbeatSeconds: agent.heartbeatIntervalSeconds, staleAssignments };
}
