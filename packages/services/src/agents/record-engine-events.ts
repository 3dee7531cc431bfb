import { prisma, type Prisma } from "@koi/db";
import { enqueueReplans } from "../workloads/replan-workload.ts";
import { findAgentInOrg } from "./find-agent.ts";

/** Events after which the engine job has lost capacity Koi must replace (docs/workloads.md step 8). */
export const REPLAN_REASON_CODES = new Set(["spot_preemption"]);

export type TEngineEvent = {
  eventId: string;
  at: string | Date;
  type: string;
  reasonCode?: string | null;
  detail?: string | null;
  engineRef?: string | null;
  payload?: Record<string, unknown> | null;
};

/**
 * Stores lifecycle events once each: a repeated event id is counted as a duplicate, not an error.
 * Ids are the engine's (Orca's `event_id`s are predictable, e.g. `replica_failed:<job>-r0`), so they
 * are deduplicated per agent, as Orca's own webhooks are per key: another cluster's agent sending an
 * id first cannot make this agent's real event a duplicate.
 */
export async function recordEngineEvents(orgId: string, agentId: string, events: TEngineEvent[]) {
  await findAgentInOrg(orgId, agentId);
  const now = new Date();
  return prisma.$transaction(async (tx) => {
    const result = await tx.engineEvent.createMany({
      data: events.map((e) => ({
        orgId,
        agentId,
        eventId: `${agentId}:${e.eventId}`,
        type: e.type,
        reasonCode: e.reasonCode ?? null,
        detail: e.detail ?? null,
        engineRef: e.engineRef ?? null,
        payload: (e.payload ?? {}) as Prisma.InputJsonValue,
        at: new Date(e.at),
        processedAt: now,
      })),
      skipDuplicates: true,
    });
    // A replayed event finds the replan already queued (same job id) or the assignment already lost.
    for (const e of events) {
      if (e.reasonCode && REPLAN_REASON_CODES.has(e.reasonCode) && e.engineRef) {
        await enqueueReplans(
          tx,
          { orgId, agentId, engineRef: e.engineRef },
          `${e.reasonCode}${e.detail ? `: ${e.detail}` : ""}`,
        );
      }
    }
    return { accepted: result.count, duplicates: events.length - result.count };
  });
}
