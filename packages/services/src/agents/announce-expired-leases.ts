import { prisma } from "@koi/db";
import { publishCommandWakeup } from "./command-wakeups.ts";

/**
 * Commands whose lease ran out unacked are redelivered on the agent's next poll; this wakes the
 * agents that are already waiting, so redelivery does not wait for their poll to time out.
 * Latest expiry first: a lease an agent that is gone for good held stays expired forever, and
 * 1,000 of those must not crowd out the agents whose leases just ran out.
 */
export async function announceExpiredLeases(now = new Date()): Promise<number> {
  const rows = await prisma.command.findMany({
    where: { status: "LEASED", leaseExpiresAt: { lt: now } },
    distinct: ["agentId"],
    orderBy: { leaseExpiresAt: "desc" },
    select: { agentId: true },
    take: 1000,
  });
  await Promise.all(rows.map((r) => publishCommandWakeup(r.agentId)));
  return rows.length;
}
