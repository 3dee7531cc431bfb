"use client";

import { useQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import Link from "next/link";
import dynamic from "next/dynamic";
import { useState } from "react";
import { Alert, Card, EmptyState } from "@koi/ui/card";
import { Field, Select } from "@koi/ui/field";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@koi/ui/table";
import { ChartFigure } from "@/components/charts/chart-figure";
import { MARKET_COLORS } from "@/components/charts/market-colors";
import { FormulaHint } from "@/components/formula-hint";
import { describeSavings } from "@/lib/describe-savings";
import { formatGpuHours, formatPct, formatUsd } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { bucketLabel, describeSpend, SPEND_COMPONENTS, spendChartData } from "./spend-series";
import { splitSpend } from "./spend-split";
import { UsageRefusedAlert } from "./usage-refused-alert";

// recharts is fetched when the chart scrolls into view (ChartFigure), not with the page.
const SpendChart = dynamic(() => import("./spend-chart").then((m) => m.SpendChart), { ssr: false });

type TRange = "24h" | "7d" | "30d";
const PERIOD: Record<TRange, string> = {
  "24h": "in the last 24 hours",
  "7d": "in the last 7 days",
  "30d": "in the last 30 days",
};

/** Spend over time by component, the split by market, savings vs baselines and per workload. */
export function CostsView({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const [range, setRange] = useState<TRange>("7d");
  const q = useQuery({
    ...trpc.costs.get.queryOptions({ range }),
    refetchInterval: 15_000,
    placeholderData: (prev) => prev,
  });

  const header = (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <Field id="cost-range" label="Period">
        <Select id="cost-range" value={range} onChange={(e) => setRange(e.target.value as TRange)} className="w-44">
          <option value="24h">Last 24 hours</option>
          <option value="7d">Last 7 days</option>
          <option value="30d">Last 30 days</option>
        </Select>
      </Field>
      <a
        href={`/o/${slug}/costs/export.csv?range=${range}`}
        download
        className="inline-flex items-center gap-1.5 rounded-md border border-zinc-300 px-3 py-2 text-sm font-medium hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-ring dark:border-zinc-700 dark:hover:bg-zinc-900"
      >
        <Download aria-hidden className="size-4" />
        Export CSV
      </a>
    </div>
  );

  if (q.isPending)
    return (
      <div className="space-y-4">
        {header}
        <p className="text-sm text-muted-foreground" aria-busy="true">
          Loading costs…
        </p>
      </div>
    );
  if (q.isError)
    return (
      <div className="space-y-4">
        {header}
        <Alert tone="error">Could not load costs: {q.error.message}</Alert>
      </div>
    );
  const c = q.data;
  const used = SPEND_COMPONENTS.filter((k) => c.byComponent[k] > 0);
  const split = splitSpend(c.byComponent);

  return (
    <div className="space-y-6">
      {header}
      <UsageRefusedAlert slug={slug} refused={c.usageRefused} period={PERIOD[range]} />
      {c.totalUsd === 0 ? (
        <EmptyState
          title="No spend in this period"
          action={
            <Link
              href={`/o/${slug}/workloads/new`}
              className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800"
            >
              New workload
            </Link>
          }
        >
          Costs appear as soon as engines report usage for running workloads.
        </EmptyState>
      ) : (
        <>
          <div className="grid gap-4 sm:grid-cols-3">
            <Card className="space-y-1 p-5">
              <p className="text-sm text-muted-foreground">Spend</p>
              <p className="text-2xl font-semibold tabular-nums">{formatUsd(c.totalUsd)}</p>
              <p className="text-xs text-muted-foreground">{formatGpuHours(c.savings.gpuSeconds)}</p>
            </Card>
            <Card className="space-y-1 p-5">
              <p className="flex items-center gap-1 text-sm text-muted-foreground">
                Saved vs baselines
                <FormulaHint formula={c.savings.formula} />
              </p>
              <p className="text-2xl font-semibold tabular-nums">{formatUsd(c.savings.savedVsOnDemandUsd)}</p>
              <p className="text-xs text-muted-foreground">{describeSavings(c.savings, PERIOD[range])}</p>
            </Card>
            <Card className="space-y-2 p-5">
              <p className="text-sm text-muted-foreground">Spend by market</p>
              <div
                className="flex h-3 overflow-hidden rounded-full"
                role="img"
                aria-label={`${split.map((p) => `${p.component} ${formatPct(p.share)}`).join(", ")} of spend`}
              >
                {split.map((p) => (
                  <div
                    key={p.component}
                    style={{ width: `${p.share * 100}%`, background: MARKET_COLORS[p.component] }}
                  />
                ))}
              </div>
              <p className="text-xs text-muted-foreground">
                {split.map((p) => `${p.component} ${formatUsd(p.usd)}`).join(" · ")}
              </p>
            </Card>
          </div>
          <Card className="space-y-3">
            <h2 className="font-medium">Spend over time</h2>
            <ChartFigure
              name={`Spend per ${c.bucket} by component`}
              summary={describeSpend(c)}
              chart={
                <SpendChart
                  data={spendChartData(c.buckets, c.to)}
                  components={used}
                  size={c.bucket}
                  domain={[c.chartFrom.getTime(), c.to.getTime()]}
                />
              }
              caption={`US dollars per ${c.bucket} (UTC), stacked by where the GPUs ran.`}
              table={{
                columns: [
                  { header: `${c.bucket[0]!.toUpperCase()}${c.bucket.slice(1)} (UTC)` },
                  ...used.map((k) => ({ header: k, numeric: true })),
                  { header: "Total", numeric: true },
                ],
                rows: c.buckets
                  .filter((b) => b.totalUsd > 0)
                  .map((b) => ({
                    key: String(b.start.getTime()),
                    cells: [
                      bucketLabel(b.start.getTime(), c.bucket),
                      ...used.map((k) => formatUsd(b[k])),
                      formatUsd(b.totalUsd),
                    ],
                  })),
                note: `Only the ${c.bucket}s with spend.`,
              }}
            />
          </Card>
          <Card className="space-y-3">
            <h2 id="costs-by-workload" className="font-medium">
              By workload
            </h2>
            <Table labelledBy="costs-by-workload">
              <TableHeader>
                <TableRow>
                  <TableHead>Workload</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead numeric>GPU time</TableHead>
                  <TableHead numeric>Spend</TableHead>
                  <TableHead numeric>Budget</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {c.workloads.map((w) => (
                  <TableRow key={w.workloadId ?? "none"}>
                    <TableCell>
                      {w.workloadId ? (
                        <Link href={`/o/${slug}/workloads/${w.workloadId}`} className="font-medium hover:underline">
                          {w.name}
                        </Link>
                      ) : (
                        <span className="text-muted-foreground">{w.name}</span>
                      )}
                    </TableCell>
                    <TableCell>{w.status?.toLowerCase() ?? "—"}</TableCell>
                    <TableCell numeric>{formatGpuHours(w.gpuSeconds)}</TableCell>
                    <TableCell numeric>{formatUsd(w.costUsd)}</TableCell>
                    <TableCell numeric>{w.budgetUsd !== null ? formatUsd(w.budgetUsd) : "—"}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Card>
        </>
      )}
    </div>
  );
}
