import { randomUUID } from "node:crypto";
import type { TRegisterRequest } from "@koi/contracts/agent/register";
import { AppError } from "@koi/core/app-error";
import { recordAudit } from "@koi/core/audit";
import { isUniqueViolation, prisma, type Tx } from "@koi/db";
import { forgetAgentOwner } from "./key-acts-for.ts";

export const DEFAULT_HEARTBEAT_SECONDS = 15;
export const COMMAND_WAIT_SECONDS = 30;

/**
 * Registers an agent under the key's org. Idempotent by `instanceId`: a restarted agent gets
 * its old id back (and comes back ONLINE). Its cluster is found, or created, by name.
 * The agent then answers only to this key (key-acts-for.ts). Registering again with another key
 * moves it to that key when the key is newer or the old one no longer works (rotation);
 * an older key of the same org cannot take an agent away from a newer, live one (409).
 */
export async function registerAgent(orgId: string, apiKeyId: string, input: TRegisterRequest, now = new Date()) {
  const registered = await retryUniqueRace(() => registerOnce(orgId, apiKeyId, input, now));
  forgetAgentOwner(registered.agentId);
  return registered;
}

/** Attempts at a registration that lost a race to create the same cluster or agent row. */
const RACE_ATTEMPTS = 3;

/**
 * Agents of a new cluster start together, and an agent's retry can race its own first try: the
 * loser of a race to create the same row fails on the unique index, and registering again
 * finds the row the winner wrote.
 */
async function retryUniqueRace<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isUniqueViolation(err) || i >= RACE_ATTEMPTS) throw err;
    }
  }
}

function registerOnce(orgId: string, apiKeyId: string, input: TRegisterRequest, now: Date) {
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
    const rekeyed = existing?.apiKeyId != null && existing.apiKeyId !== apiKeyId;
    if (rekeyed)
      await assertKeyMayTakeOver(tx, {
        orgId,
        previousKeyId: existing.apiKeyId!,
        apiKeyId,
        agentClusterId: existing.clusterId,
        clusterId: cluster.id,
        now,
      });
    const agent = existing
      ? await tx.agent.update({ where: { id: existing.id }, data: fields })
      : await tx.agent.create({
          data: { orgId, instanceId: input.instanceId, heartbeatIntervalSeconds: DEFAULT_HEARTBEAT_SECONDS, ...fields },
        });
    const type = existing ? "agent_reregistered" : "agent_registered";
    await tx.engineEvent.create({
      data: {
        orgId,
        agentId: agent.id,
        // Koi writes this event itself: a random part keeps two registrations of one instant apart.
        eventId: `${type}-${agent.id}-${now.getTime()}-${randomUUID()}`,
        type,
        payload: { engine: input.engine, agentVersion: input.agentVersion, cluster: input.cluster.name },
        at: now,
        processedAt: now,
      },
    });
    if (!existing || rekeyed)
      await recordAudit(tx, {
        orgId,
        action: existing ? "agent.rekeyed" : "agent.registered",
        targetType: "agent",
        targetId: agent.id,
        data: { apiKeyId, engine: input.engine, ...(existing ? { previousApiKeyId: existing.apiKeyId } : {}) },
      });
    return {
      agentId: agent.id,
      heartbeatIntervalSeconds: agent.heartbeatIntervalSeconds,
      commandWaitSeconds: COMMAND_WAIT_SECONDS,
    };
  });
}

/**
 * 409 when the agent's current key still works and either is newer than the one registering now, or
 * the takeover is not a rotation of this cluster's key: the registration names another cluster, or
 * the new key already runs agents of another cluster. Without the second rule any engine key of the
 * org that learned an instance id (it is in the agent's spool directory and logs) could take another
 * cluster's agent, its commands, and lock the agent out. Once the old key is revoked or expired any
 * key may take the agent.
 */
async function assertKeyMayTakeOver(
  tx: Tx,
  o: { orgId: string; previousKeyId: string; apiKeyId: string; agentClusterId: string; clusterId: string; now: Date },
) {
  const [previous, next, elsewhere] = await Promise.all([
    tx.apiKey.findUnique({
      where: { id: o.previousKeyId },
      select: { createdAt: true, revokedAt: true, expiresAt: true },
    }),
    tx.apiKey.findUnique({ where: { id: o.apiKeyId }, select: { createdAt: true } }),
    tx.agent.count({ where: { orgId: o.orgId, apiKeyId: o.apiKeyId, clusterId: { not: o.agentClusterId } } }),
  ]);
  const previousWorks = previous && !previous.revokedAt && (!previous.expiresAt || previous.expiresAt > o.now);
  if (!previousWorks) return;
  if (next && previous.createdAt > next.createdAt)
    throw new AppError(
      "CONFLICT",
      "This agent instance is registered with a newer engine key. Start it with that key, or revoke that key first.",
    );
  if (o.clusterId !== o.agentClusterId || elsewhere > 0)
    throw new AppError(
      "CONFLICT",
      "This agent instance belongs to another cluster, whose engine key still works. A key may take over an agent only as a rotation of that cluster's key: the same cluster name, and a key no other cluster's agents use. Revoke the old key first to move the agent.",
    );
}
