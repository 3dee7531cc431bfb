import { ZCosts, ZCostsInput } from "@koi/services/costs/costs.schema";
import { getCosts as summarizeCosts } from "@koi/services/costs/get-costs";
import { orgProcedure } from "../../trpc.ts";

export const getCosts = orgProcedure("VIEWER")
  .input(ZCostsInput)
  .output(ZCosts)
  .query(({ ctx, input }) => summarizeCosts(ctx.orgId, input.range));
