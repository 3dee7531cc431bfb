import { announceExpiredLeases } from "@koi/services/agents/announce-expired-leases";
import { markOfflineAgents } from "@koi/services/agents/mark-offline-agents";
import type { TJobHandler } from "../job-context.ts";

export const sweepOfflineAgents: TJobHandler<"mark-offline-agents"> = async (_payload, ctx) => {
  const flipped = await markOfflineAgents();
  if (flipped.length)
    ctx.log.info({ agents: flipped.map((a) => a.agentId) }, "agents marked offline after missed heartbeats");
};

export const sweepExpiredLeases: TJobHandler<"announce-expired-leases"> = async (_payload, ctx) => {
  const agents = await announceExpiredLeases();
  if (agents) ctx.log.debug({ agents }, "woke agents with expired command leases");
};
