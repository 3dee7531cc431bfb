import { prisma } from "@koi/db";

/**
 * The usage Koi refused to bill in the window (record-report.ts audits each refusal): how many
 * reports, and the newest one's reason with the agent that sent it, so the Costs page can say its
 * total leaves something out.
 */
export async function loadUsageRefusals(orgId: string, from: Date, to: Date) {
  const where = { orgId, action: "usage.refused", createdAt: { gte: from, lt: to } };
  const [reports, newest] = await Promise.all([
    prisma.auditEvent.count({ where }),
    prisma.auditEvent.findFirst({ where, orderBy: { createdAt: "desc" }, select: { createdAt: true, data: true } }),
  ]);
  if (!newest) return { reports, latest: null };
  const data = newest.data as { agentId?: string; refused?: { reason?: string }[] };
  const agent = data.agentId
    ? await prisma.agent.findFirst({
        where: { id: data.agentId, orgId },
        select: { id: true, engine: true, cluster: { select: { name: true } } },
      })
    : null;
  return {
    reports,
    latest: {
      at: newest.createdAt,
      agent: agent ? { id: agent.id, label: `${agent.engine} agent on ${agent.cluster.name}` } : null,
      reason: data.refused?.map((r) => r.reason).join("; ") || "no reason was recorded",
    },
  };
}
