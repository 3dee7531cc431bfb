import { z } from "zod";
import { orgProcedure } from "../../trpc.ts";
import { cancelWorkload as cancel } from "../../workloads/cancel-workload.ts";
import { ZWorkloadIdInput } from "./workloads.schema.ts";

export const cancelWorkload = orgProcedure("MEMBER")
  .input(ZWorkloadIdInput)
  .output(z.object({ id: z.string() }))
  .mutation(async ({ ctx, input }) => {
    await cancel(ctx.orgId, input.workloadId, ctx.userId);
    ctx.log.info({ workloadId: input.workloadId }, "workload cancelled");
    return { id: input.workloadId };
  });
