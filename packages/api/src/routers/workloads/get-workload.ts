import { getWorkload as findWorkload } from "@koi/services/workloads/get-workload";
import { ZWorkloadDetail, ZWorkloadIdInput } from "@koi/services/workloads/workloads.schema";
import { orgProcedure } from "../../trpc.ts";

export const getWorkload = orgProcedure("VIEWER")
  .input(ZWorkloadIdInput)
  .output(ZWorkloadDetail)
  .query(({ ctx, input }) => findWorkload(ctx.orgId, input.workloadId));
