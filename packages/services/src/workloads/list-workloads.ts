import { prisma, type Prisma } from "@koi/db";
import type { TWorkloadView } from "@koi/contracts/workloads/workloads";
import { toWorkloadView } from "./to-workload-view.ts";
import type { TListWorkloadsInput } from "./workloads.schema.ts";

/** The org's 200 newest workloads matching the dashboard's filters (status, kind, name/model/id search). */
export async function listWorkloads(orgId: string, input: TListWorkloadsInput): Promise<TWorkloadView[]> {
  const where: Prisma.WorkloadWhereInput = { orgId };
  if (input.status) where.status = input.status;
  if (input.kind) where.kind = input.kind;
  if (input.search) {
    where.OR = [
      { name: { contains: input.search, mode: "insensitive" } },
      { model: { contains: input.search, mode: "insensitive" } },
      { id: input.search },
    ];
  }
  const rows = await prisma.workload.findMany({ where, orderBy: { createdAt: "desc" }, take: 200 });
  return rows.map(toWorkloadView);
}
