import { ZWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { ZPlanView } from "@koi/contracts/workloads/workloads-api";
import { orgProcedure } from "../../trpc.ts";
import { previewPlanView } from "@koi/services/workloads/preview-plan";

/** What Koi would do with this submission on the org's live inventory right now; writes nothing. */
export const previewWorkload = orgProcedure("VIEWER")
  .input(ZWorkloadSubmission)
  .output(ZPlanView)
  .query(({ ctx, input }) => previewPlanView(ctx.orgId, input));
