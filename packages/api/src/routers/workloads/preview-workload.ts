import { ZWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { orgProcedure } from "../../trpc.ts";
import { previewPlan } from "@koi/services/workloads/preview-plan";
import { toPlanPreview } from "@koi/services/workloads/json-views";
import { ZPlanPreview } from "@koi/services/workloads/workloads.schema";

/** What Koi would do with this submission on the org's live inventory right now; writes nothing. */
export const previewWorkload = orgProcedure("VIEWER")
  .input(ZWorkloadSubmission)
  .output(ZPlanPreview)
  .query(async ({ ctx, input }) => toPlanPreview((await previewPlan(ctx.orgId, input)).plan));
