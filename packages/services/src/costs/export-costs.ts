import type { TCostExportRow, TCostRange } from "./costs.schema.ts";
import { loadUsage, rangeWindow } from "./load-usage.ts";

/** Every usage row of the range, for the CSV download. */
export async function exportCosts(orgId: string, range: TCostRange): Promise<TCostExportRow[]> {
  const { from, to } = rangeWindow(range);
  const rows = await loadUsage(orgId, from, to);
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
}
