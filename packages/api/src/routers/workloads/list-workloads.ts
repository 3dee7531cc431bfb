import { z } from "zod";
import { listWorkloads as findWorkloads } from "@koi/services/workloads/list-workloads";
import { ZListWorkloadsInput, ZWorkloadView } from "@koi/services/workloads/workloads.schema";
import { orgProcedure } from "../../trpc.ts";

export const listWorkloads = orgProcedure("VIEWER")
  .input(ZListWorkloadsInput)
  .output(z.array(ZWorkloadView))
  .query(({ ctx, input }) => findWorkloads(ctx.orgId, input));
