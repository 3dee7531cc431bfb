import { notFound } from "@koi/core/app-error";
import { prisma } from "@koi/db";

/** An agent of this org, or NOT_FOUND — the same answer whether it is absent or another tenant's. */
export async function findAgentInOrg(orgId: string, agentId: string) {
  const agent = await prisma.agent.findFirst({ where: { id: agentId, orgId } });
  if (!agent) throw notFound("No such agent.");
  return agent;
}
