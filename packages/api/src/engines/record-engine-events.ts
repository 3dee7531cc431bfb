import { prisma, type Prisma } from "@koi/db";
import { findAgentInOrg } from "./find-agent.ts";

export type TEngineEvent = {
  eventId: string;
  at: string | Date;
  type: string;
  reasonCode?: string | null;
  detail?: string | null;
  engineRef?: string | null;
  payload?: Record<string, unknown> | null;
};

/** Stores lifecycle events once each: a repeated event id is counted as a duplicate, not an error. */
export async function recordEngineEvents(orgId: string, agentId: string, events: TEngineEvent[]) {
  await findAgentInOrg(orgId, agentId);
  const now = new Date();
  const result = await prisma.engineEvent.createMany({
    data: events.map((e) => ({
      orgId,
      agentId,
      eventId: e.eventId,
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
  return { accepted: result.count, duplicates: events.length - result.count };
}
