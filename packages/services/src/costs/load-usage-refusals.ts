import { prisma } from "@koi/db";
import { usageRefusalHour } from "./usage-refusal-hour.ts";

/**
 * The usage Koi refused to bill in the window (record-report.ts tallies refused reports per
 * assignment and hour): how many reports, and the newest one's reason with the agent that sent it,
 * so the Costs page can say its total leaves something out. A tally counts whole hours: the hours
 * the window starts and ends in are counted whole (the Costs page's windows end now).
 */
export async function loadUsageRefusals(orgId: string, from: Date, to: Date) {
  const where = { orgId, hour: { gte: usageRefusalHour(from), lt: to } };
  const [sum, newest] = await Promise.all([
    prisma.usageRefusal.aggregate({ where, _sum: { reports: true } }),
    prisma.usageRefusal.findFirst({
      where,
      orderBy: { latestAt: "desc" },
      select: { latestAt: true, latestReason: true, agentId: true },
    }),
  ]);
  const reports = sum._sum.reports ?? 0;
  if (!newest) return { reports, latest: null };
  const agent = await prisma.agent.findFirst({
    where: { id: newest.agentId, orgId },
    select: { id: true, engine: true, cluster: { select: { name: true } } },
  });
  return {
    reports,
    latest: {
      at: newest.latestAt,
      agent: agent ? { id: agent.id, label: `${agent.engine} agent on ${agent.cluster.name}` } : null,
      reason: newest.latestReason || "no reason was recorded",
    },
  };
}
