import { z } from "zod";
import { prisma, type Prisma } from "@koi/db";
import { orgProcedure } from "../../trpc.ts";
import { toWorkloadView } from "@koi/services/workloads/to-workload-view";
import { ZListWorkloadsInput, ZWorkloadView } from "@koi/services/workloads/workloads.schema";

export const listWorkloads = orgProcedure("VIEWER")
  .input(ZListWorkloadsInput)
  .output(z.array(ZWorkloadView))
  .query(async ({ ctx, input }) => {
    const where: Prisma.WorkloadWhereInput = { orgId: ctx.orgId };
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
  });
