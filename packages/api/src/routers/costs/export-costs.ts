import { z } from "zod";
import { orgProcedure } from "../../trpc.ts";
import { ZCostExportRow, ZCostsInput } from "@koi/services/costs/costs.schema";
import { loadUsage, rangeWindow } from "@koi/services/costs/load-usage";

/** Every usage row of the range, for the CSV download. */
export const exportCosts = orgProcedure("VIEWER")
  .input(ZCostsInput)
  .output(z.array(ZCostExportRow))
  .query(async ({ ctx, input }) => {
    const { from, to } = rangeWindow(input.range);
    const rows = await loadUsage(ctx.orgId, from, to);
    return rows.map((r) => ({
      at: r.at,
      component: r.component,
      gpuType: r.gpuType,
      seconds: r.seconds,
      requests: r.requests,
      costUsd: r.costUsd,
      workloadId: r.workload?.id ?? null,
      workloadName: r.workload?.name ?? null,
      assignmentId: r.assignmentId,
    }));
  });
