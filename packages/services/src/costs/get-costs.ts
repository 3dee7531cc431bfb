import { bucketUsage, chooseChartWindow, USAGE_COMPONENTS } from "./bucket-usage.ts";
import { computeSavings, SAVINGS_FORMULA } from "./compute-savings.ts";
import type { TCostRange, TCosts } from "./costs.schema.ts";
import { loadUsage, rangeWindow } from "./load-usage.ts";
import { loadUsageRefusals } from "./load-usage-refusals.ts";

/**
 * The org's spend over the range: buckets for the chart, totals by component, savings, per workload,
 * and the usage Koi refused to bill as implausible.
 */
export async function getCosts(orgId: string, range: TCostRange): Promise<TCosts> {
  const { from, to } = rangeWindow(range);
  const [rows, usageRefused] = await Promise.all([loadUsage(orgId, from, to), loadUsageRefusals(orgId, from, to)]);
  const chart = chooseChartWindow(rows, { from, to });
  const byComponent = Object.fromEntries(USAGE_COMPONENTS.map((c) => [c, 0])) as Record<
    (typeof USAGE_COMPONENTS)[number],
    number
  >;
  const perWorkload = new Map<
    string,
    {
      workloadId: string | null;
      name: string;
      kind: string | null;
      status: string | null;
      costUsd: number;
      gpuSeconds: number;
      budgetUsd: number | null;
      predictedCostUsd: number | null;
    }
  >();
  for (const r of rows) {
    if (r.component in byComponent) byComponent[r.component as keyof typeof byComponent] += r.costUsd;
    const w = r.workload;
    const key = w?.id ?? "";
    const row = perWorkload.get(key) ?? {
      workloadId: w?.id ?? null,
      name: w?.name ?? "Not tied to a workload",
      kind: w?.kind ?? null,
      status: w?.status ?? null,
      costUsd: 0,
      gpuSeconds: 0,
      budgetUsd: w?.budgetUsd ?? null,
      predictedCostUsd: w?.predictedCostUsd ?? null,
    };
    row.costUsd += r.costUsd;
    if (r.component !== "router") row.gpuSeconds += r.seconds;
    perWorkload.set(key, row);
  }
  const savings = computeSavings(rows);
  return {
    range,
    from,
    to,
    bucket: chart.size,
    chartFrom: chart.from,
    buckets: bucketUsage(rows, { from: chart.from, to, size: chart.size }),
    byComponent,
    totalUsd: savings.actualUsd,
    savings: { ...savings, formula: SAVINGS_FORMULA },
    workloads: [...perWorkload.values()].sort((a, b) => b.costUsd - a.costUsd),
    usageRefused,
  };
}
