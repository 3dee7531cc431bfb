import { prisma } from "@koi/db";
import { enqueueReplans } from "../workloads/replan-workload.ts";

/** Missing this many heartbeats in a row makes an agent OFFLINE. */
export const MISSED_HEARTBEATS_FOR_OFFLINE = 3;

/** Agents flipped per transaction: a wide outage is many short transactions, not one that times out. */
const BATCH = 50;

/**
 * Flips every agent whose last heartbeat (or, before any, its registration) is older than 3 of its
 * own intervals. Each batch is one statement over rows it locks, skipping rows another transaction
 * holds (a heartbeat being recorded; the next sweep looks again), so two workers running this at
 * once cannot both record a transition and neither waits on the other. Each flip gets an event and,
 * in the same transaction, a replan for each workload assignment the agent was running.
 */
export async function markOfflineAgents(now = new Date()): Promise<{ agentId: string; orgId: string }[]> {
  const all: { agentId: string; orgId: string }[] = [];
  for (;;) {
    const flipped = await flipBatch(now);
    all.push(...flipped);
    if (flipped.length < BATCH) return all;
  }
}

function flipBatch(now: Date): Promise<{ agentId: string; orgId: string }[]> {
  return prisma.$transaction(async (tx) => {
    const flipped = await tx.$queryRaw<{ id: string; orgId: string; lastHeartbeatAt: Date | null }[]>`
      UPDATE "Agent" SET status = 'OFFLINE', "updatedAt" = ${now}
      WHERE id IN (
        SELECT id FROM "Agent"
        WHERE status <> 'OFFLINE'
          AND COALESCE("lastHeartbeatAt", "registeredAt") < ${now}::timestamp - make_interval(secs => ${MISSED_HEARTBEATS_FOR_OFFLINE} * "heartbeatIntervalSeconds")
        LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, "orgId", "lastHeartbeatAt"`;
    if (flipped.length) {
      await tx.engineEvent.createMany({
        data: flipped.map((a) => ({
          orgId: a.orgId,
          agentId: a.id,
          eventId: `agent-offline-${a.id}-${now.getTime()}`,
          type: "agent_offline",
          reasonCode: "heartbeat_timeout",
          detail: `No heartbeat since ${a.lastHeartbeatAt?.toISOString() ?? "registration"} (${MISSED_HEARTBEATS_FOR_OFFLINE} missed).`,
          payload: {},
          at: now,
          processedAt: now,
        })),
        skipDuplicates: true,
      });
      for (const a of flipped)
        await enqueueReplans(
          tx,
          { agentId: a.id },
          `agent went offline (no heartbeat since ${a.lastHeartbeatAt?.toISOString() ?? "registration"})`,
        );
    }
    return flipped.map((a) => ({ agentId: a.id, orgId: a.orgId }));
  });
}
