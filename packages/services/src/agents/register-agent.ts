import type { TRegisterRequest } from "@koi/contracts/agent/register";
import { recordAudit } from "@koi/core/audit";
import { prisma } from "@koi/db";

export const DEFAULT_HEARTBEAT_SECONDS = 15;
export const COMMAND_WAIT_SECONDS = 30;

/**
 * Registers an agent under the key's org. Idempotent by `instanceId`: a restarted agent gets
 * its old id back (and comes back ONLINE). Its cluster is found, or created, by name.
 */
export async function registerAgent(orgId: string, apiKeyId: string, input: TRegisterRequest, now = new Date()) {
  return prisma.$transaction(async (tx) => {
    const cluster = await tx.cluster.upsert({
      where: { orgId_name: { orgId, name: input.cluster.name } },
      create: {
        orgId,
        name: input.cluster.name,
        kind: input.cluster.kind,
        provider: input.cluster.provider,
        region: input.cluster.region ?? null,
      },
      update: { kind: input.cluster.kind, provider: input.cluster.provider, region: input.cluster.region ?? null },
    });
    const fields = {
      clusterId: cluster.id,
      apiKeyId,
      engine: input.engine,
      version: input.agentVersion,
      engineVersion: input.engineVersion,
      hostname: input.hostname ?? null,
      capabilities: [...new Set(input.capabilities)],
      status: "ONLINE" as const,
      lastHeartbeatAt: now,
    };
    const existing = await tx.agent.findUnique({
      where: { orgId_instanceId: { orgId, instanceId: input.instanceId } },
    });
    const agent = existing
      ? await tx.agent.update({ where: { id: existing.id }, data: fields })
      : await tx.agent.create({
          data: { orgId, instanceId: input.instanceId, heartbeatIntervalSeconds: DEFAULT_HEARTBEAT_SECONDS, ...fields },
        });
    await tx.engineEvent.create({
      data: {
        orgId,
        agentId: agent.id,
        eventId: `agent-registered-${agent.id}-${now.getTime()}`,
        type: existing ? "agent_reregistered" : "agent_registered",
        payload: { engine: input.engine, agentVersion: input.agentVersion, cluster: input.cluster.name },
        at: now,
        processedAt: now,
      },
    });
    if (!existing)
      await recordAudit(tx, {
        orgId,
        action: "agent.registered",
        targetType: "agent",
        targetId: agent.id,
        data: { apiKeyId, engine: input.engine },
      });
    return {
      agentId: agent.id,
      heartbeatIntervalSeconds: agent.heartbeatIntervalSeconds,
      commandWaitSeconds: COMMAND_WAIT_SECONDS,
    };
  });
}
