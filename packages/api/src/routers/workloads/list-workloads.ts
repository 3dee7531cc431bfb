import { z } from "zod";
import { listWorkloads as findWorkloads } from "@koi/services/workloads/list-workloads";
import { ZListWorkloadsInput, ZWorkloadView } from "@koi/services/workloads/workloads.schema";
import { orgProcedure } from "../../trpc.ts";

/** The dashboard shows the 200 newest that match. */
const DASHBOARD_LIMIT = 200;

export const listWorkloads = orgProcedure("VIEWER")
  .input(ZListWorkloadsInput)
  .output(z.array(ZWorkloadView))
  .query(async ({ ctx, input }) => {
    const { status, ...filter } = input;
    const page = await findWorkloads(ctx.orgId, {
      ...filter,
      ...(status ? { status: [status] } : {}),
      limit: DASHBOARD_LIMIT,
    });
    return page.items;
  });
