import { recordAudit } from "@koi/core/audit";
import { prisma } from "@koi/db";

export const DEFAULT_HEARTBEAT_SECONDS = 15;

export type TRegisterAgent = {
  engine: string;
  version: string;
  cluster: { name: string; kind: string; provider?: string | null; region?: string | null };
  capabilities: string[];
};

/** Registers an agent under the key's org; its cluster is found (or created) by name. */
export async function registerAgent(orgId: string, apiKeyId: string, input: TRegisterAgent) {
  return prisma.$transaction(async (tx) => {
    const cluster = await tx.cluster.upsert({
      where: { orgId_name: { orgId, name: input.cluster.name } },
      create: { orgId, name: input.cluster.name, kind: input.cluster.kind, provider: input.cluster.provider ?? null, region: input.cluster.region ?? null },
      update: { kind: input.cluster.kind, provider: input.cluster.provider ?? null, region: input.cluster.region ?? null },
    });
    const agent = await tx.agent.create({
      data: {
        orgId,
        clusterId: cluster.id,
        apiKeyId,
        engine: input.engine,
        version: input.version,
        capabilities: [...new Set(input.capabilities)],
        status: "ONLINE",
        heartbeatIntervalSeconds: DEFAULT_HEARTBEAT_SECONDS,
        lastHeartbeatAt: new Date(),
      },
    });
    await tx.engineEvent.create({
      data: { orgId, agentId: agent.id, eventId: `agent-registered-${agent.id}`, type: "agent_registered", payload: { engine: input.engine, version: input.version, cluster: input.cluster.name }, at: new Date(), processedAt: new Date() },
    });
    await recordAudit(tx, { orgId, action: "agent.registered", targetType: "agent", targetId: agent.id, data: { apiKeyId, engine: input.engine } });
    return { agentId: agent.id, clusterId: cluster.id, heartbeatIntervalSeconds: agent.heartbeatIntervalSeconds };
  });
}
