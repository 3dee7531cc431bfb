import { z } from "zod";
import { orgProcedure } from "../../trpc.ts";
import { cancelWorkload as cancel } from "@koi/services/workloads/cancel-workload";
import { ZWorkloadIdInput } from "@koi/services/workloads/workloads.schema";

export const cancelWorkload = orgProcedure("MEMBER")
  .input(ZWorkloadIdInput)
  .output(z.object({ id: z.string() }))
  .mutation(async ({ ctx, input }) => {
    await cancel(ctx.orgId, input.workloadId, ctx.userId);
    ctx.log.info({ workloadId: input.workloadId }, "workload cancelled");
    return { id: input.workloadId };
  });
