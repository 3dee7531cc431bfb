import { prisma } from "@koi/db";
import { publishCommandWakeup } from "./command-wakeups.ts";

/**
 * Commands whose lease ran out unacked are redelivered on the agent's next poll; this wakes the
 * agents that are already waiting, so redelivery does not wait for their poll to time out.
 */
export async function announceExpiredLeases(now = new Date()): Promise<number> {
  const rows = await prisma.command.findMany({
    where: { status: "LEASED", leaseExpiresAt: { lt: now } },
    distinct: ["agentId"],
    select: { agentId: true },
    take: 1000,
  });
  await Promise.all(rows.map((r) => publishCommandWakeup(r.agentId)));
  return rows.length;
}
