import { getOverview as summarize, ZOverview } from "@koi/services/overview/get-overview";
import { orgProcedure } from "../../trpc.ts";

export const getOverview = orgProcedure("VIEWER")
  .output(ZOverview)
  .query(({ ctx }) => summarize(ctx.orgId));
