import { longPolls, longPollsHeld } from "@koi/core/metrics/koi-metrics";
import { markInTrace } from "@koi/core/tracing/trace-context";
import { prisma, type Command } from "@koi/db";
import { commandWakeups } from "./command-wakeups.ts";
import { findAgentInOrg } from "./find-agent.ts";

export const COMMAND_LEASE_SECONDS = 60;
const MAX_BATCH = 20;

/**
 * Claims the agent's pending commands, and any whose lease ran out unacked (redelivery), in one
 * statement; SKIP LOCKED keeps two polls of the same agent from both taking one command.
 */
export async function claimCommands(agentId: string, now = new Date()): Promise<Command[]> {
  const leaseUntil = new Date(now.getTime() + COMMAND_LEASE_SECONDS * 1000);
  return prisma.$queryRaw<Command[]>`
    UPDATE "Command" SET status = 'LEASED', "leaseExpiresAt" = ${leaseUntil}, attempts = attempts + 1, "updatedAt" = ${now}
    WHERE id IN (
      SELECT id FROM "Command"
      WHERE "agentId" = ${agentId}
        AND (status = 'PENDING' OR (status = 'LEASED' AND "leaseExpiresAt" < ${now}))
      ORDER BY "createdAt"
      FOR UPDATE SKIP LOCKED
      LIMIT ${MAX_BATCH}
    )
    RETURNING *`;
}

/** Long-poll: return at once if commands wait, else sleep until woken (pub/sub) or `waitSeconds` pass. */
export async function pollCommands(
  orgId: string,
  agentId: string,
  waitSeconds: number,
  signal?: AbortSignal,
): Promise<Command[]> {
  await findAgentInOrg(orgId, agentId);
  const deadline = Date.now() + waitSeconds * 1000;
  longPollsHeld.inc();
  try {
    for (;;) {
      const claimed = await claimCommands(agentId);
      if (claimed.length || Date.now() >= deadline || signal?.aborted) {
        longPolls.inc({ outcome: claimed.length ? "commands" : signal?.aborted ? "aborted" : "empty" });
        // The end of each command's trace: the request or job that wrote it → its agent has it.
        for (const c of claimed)
          if (c.traceparent)
            markInTrace(`command ${c.type} received`, c.traceparent, {
              "koi.command.id": c.id,
              "koi.command.type": c.type,
              "koi.agent.id": agentId,
              "koi.command.attempt": c.attempts,
            });
        return claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      }
      // Expired leases are announced by the worker's redelivery sweep, so idle polls can sleep the whole wait.
      const woken = await commandWakeups().wait(agentId, deadline - Date.now(), signal);
      // Nothing was announced for this agent: answer empty without one more claim. Thousands of idle
      // polls ending together would otherwise queue for the database pool at once; a command whose
      // wake-up was lost (Redis blip) is claimed by the agent's next poll, which follows at once.
      if (!woken) {
        longPolls.inc({ outcome: signal?.aborted ? "aborted" : "empty" });
        return [];
      }
    }
  } finally {
    longPollsHeld.dec();
  }
}
