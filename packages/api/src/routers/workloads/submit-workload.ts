import { z } from "zod";
import { ZWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { orgProcedure } from "../../trpc.ts";
import { submitWorkload as submit } from "@koi/services/workloads/submit-workload";

export const submitWorkload = orgProcedure("MEMBER")
  .input(ZWorkloadSubmission)
  .output(z.object({ id: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const workload = await submit({ orgId: ctx.orgId, actorUserId: ctx.userId, via: "ui", submission: input });
    ctx.log.info({ workloadId: workload.id, kind: input.kind, model: input.model }, "workload submitted");
    return { id: workload.id };
  });
