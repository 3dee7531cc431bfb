import { z } from "zod";
import { ZCostExportRow, ZCostsInput } from "@koi/services/costs/costs.schema";
import { exportCosts as exportCostRows } from "@koi/services/costs/export-costs";
import { orgProcedure } from "../../trpc.ts";

/** Every usage row of the range, for the CSV download. */
export const exportCosts = orgProcedure("VIEWER")
  .input(ZCostsInput)
  .output(z.array(ZCostExportRow))
  .query(({ ctx, input }) => exportCostRows(ctx.orgId, input.range));
