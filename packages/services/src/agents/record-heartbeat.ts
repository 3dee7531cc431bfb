import { createHash } from "node:crypto";
import type { TGpuPool, THeartbeatRequest } from "@koi/contracts/agent/heartbeat";
import { notFound } from "@koi/core/app-error";
import { heartbeats } from "@koi/core/metrics/koi-metrics";
import { prisma, Prisma } from "@koi/db";
import { touchAgent, type TTouchedAgent } from "./touch-agents.ts";

export type THeartbeat = Pick<THeartbeatRequest, "assignments"> & {
  inventory: { pools: TGpuPool[] } | null;
  metrics?: THeartbeatRequest["metrics"];
};

/**
 * Marks the agent alive, rewrites its GPU pools only when the inventory changed, and tells it
 * which of its assignments are stale (an epoch older than ours) so it can abort them.
 * The common case — same inventory, agent already online — is one row of a shared UPDATE
 * (touchAgent writes concurrent heartbeats together; this is the hot path: every agent, every
 * interval).
 */
export async function recordHeartbeat(orgId: string, agentId: string, input: THeartbeat, now = new Date()) {
  const metrics = input.metrics ? JSON.stringify(input.metrics) : null;
  const agent = await touchAgent({ orgId, agentId, at: now, metrics });
  if (!agent) throw notFound("No such agent.");

  // No inventory this time (engine unreadable): keep the last one.
  const pools = input.inventory?.pools ?? null;
  const inventoryHash = pools ? createHash("sha256").update(JSON.stringify(pools)).digest("hex") : agent.inventoryHash;
  const wasOffline = agent.status !== "ONLINE";
  const rewrite = wasOffline || inventoryHash !== agent.inventoryHash;
  if (rewrite) await applyInventory(orgId, agent, pools, inventoryHash, wasOffline, now);
  heartbeats.inc({ inventory: rewrite ? "rewritten" : "unchanged" });

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

async function applyInventory(
  orgId: string,
  agent: TTouchedAgent,
  pools: TGpuPool[] | null,
  inventoryHash: string | null,
  wasOffline: boolean,
  now: Date,
) {
  await prisma.$transaction(async (tx) => {
    await tx.agent.update({ where: { id: agent.id }, data: { status: "ONLINE", inventoryHash } });
    if (pools) {
      await tx.gpuPool.deleteMany({ where: { agentId: agent.id, externalId: { notIn: pools.map((p) => p.id) } } });
      for (const pool of pools) {
        const data = {
          gpuType: pool.gpuType,
          market: pool.market,
          total: pool.total,
          available: pool.available,
          quota: pool.quota ?? null,
          pricePerGpuHour: pool.pricePerGpuHour,
          replicaSizes: pool.replicaSizes ?? [],
          shape: pool.shape ?? Prisma.DbNull,
        };
        await tx.gpuPool.upsert({
          where: { agentId_externalId: { agentId: agent.id, externalId: pool.id } },
          create: { orgId, clusterId: agent.clusterId, agentId: agent.id, externalId: pool.id, ...data },
          update: data,
        });
      }
    }
    if (wasOffline) {
      await tx.engineEvent.create({
        data: {
          orgId,
          agentId: agent.id,
          eventId: `agent-online-${agent.id}-${now.getTime()}`,
          type: "agent_online",
          payload: {} as Prisma.InputJsonValue,
          at: now,
          processedAt: now,
        },
      });
    }
  });
}
