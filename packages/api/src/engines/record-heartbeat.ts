import { createHash } from "node:crypto";
import type { TGpuPool, THeartbeatRequest } from "@koi/contracts/agent/heartbeat";
import { prisma, type Prisma } from "@koi/db";
import { findAgentInOrg } from "./find-agent.ts";

export type THeartbeat = Pick<THeartbeatRequest, "assignments"> & {
  inventory: { pools: TGpuPool[] } | null;
  metrics?: THeartbeatRequest["metrics"];
};

/**
 * Marks the agent alive, rewrites its GPU pools only when the inventory changed, and tells it
 * which of its assignments are stale (an epoch older than ours) so it can abort them.
 */
export async function recordHeartbeat(orgId: string, agentId: string, input: THeartbeat, now = new Date()) {
  const agent = await findAgentInOrg(orgId, agentId);
  // No inventory this time (engine unreadable): keep the last one.
  const pools = input.inventory?.pools ?? null;
  const inventoryHash = pools ? createHash("sha256").update(JSON.stringify(pools)).digest("hex") : agent.inventoryHash;
  const wasOffline = agent.status !== "ONLINE";

  if (pools && (inventoryHash !== agent.inventoryHash || wasOffline)) {
    await prisma.$transaction(async (tx) => {
      await tx.agent.update({
        where: { id: agent.id },
        data: { lastHeartbeatAt: now, status: "ONLINE", inventoryHash, metrics: (input.metrics ?? {}) as Prisma.InputJsonValue },
      });
      await tx.gpuPool.deleteMany({ where: { agentId: agent.id, externalId: { notIn: pools.map((p) => p.id) } } });
      for (const pool of pools) {
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
      data: { lastHeartbeatAt: now, status: "ONLINE", ...(input.metrics ? { metrics: input.metrics as Prisma.InputJsonValue } : {}) },
    });
  }

  let revokedAssignments: { assignmentId: string; epoch: number }[] = [];
  if (input.assignments.length) {
    const current = await prisma.assignment.findMany({
      where: { orgId, agentId: agent.id, id: { in: input.assignments.map((a) => a.assignmentId) } },
      select: { id: true, epoch: true },
    });
    const epochs = new Map(current.map((a) => [a.id, a.epoch]));
    // Unknown to us (or another org's) counts as revoked too: the agent must not keep working on it.
    revokedAssignments = input.assignments
      .filter((a) => (epochs.get(a.assignmentId) ?? Number.POSITIVE_INFINITY) > a.epoch)
      .map((a) => ({ assignmentId: a.assignmentId, epoch: a.epoch }));
  }
  return { nextHeartbeatSeconds: agent.heartbeatIntervalSeconds, revokedAssignments };
}
