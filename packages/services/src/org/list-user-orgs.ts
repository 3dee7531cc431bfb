import { prisma } from "@koi/db";
import type { TMyOrg } from "./list-my-orgs.schema.ts";

export async function listUserOrgs(userId: string, activeOrgId: string | null): Promise<TMyOrg[]> {
  const memberships = await prisma.membership.findMany({
    where: { userId },
    include: { org: { select: { id: true, slug: true, name: true } } },
    orderBy: { org: { name: "asc" } },
  });
  return memberships.map((m) => ({ ...m.org, role: m.role, isActive: m.orgId === activeOrgId }));
}
