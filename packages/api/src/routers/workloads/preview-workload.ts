import { ZWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { orgProcedure } from "../../trpc.ts";
import { previewPlan } from "../../workloads/preview-plan.ts";
import { toPlanPreview } from "./json-views.ts";
import { ZPlanPreview } from "./workloads.schema.ts";

/** What Koi would do with this submission on the org's live inventory right now; writes nothing. */
export const previewWorkload = orgProcedure("VIEWER")
  .input(ZWorkloadSubmission)
  .output(ZPlanPreview)
  .query(async ({ ctx, input }) => toPlanPreview((await previewPlan(ctx.orgId, input)).plan));
