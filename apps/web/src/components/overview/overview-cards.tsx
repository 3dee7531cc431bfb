"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import dynamic from "next/dynamic";
import { Alert, Card } from "@koi/ui/card";
import { formatUsd } from "@/lib/format";
import { ChartFigure } from "@/components/charts/chart-figure";
import { FormulaHint } from "@/components/formula-hint";
import { describeSavings } from "@/lib/describe-savings";
import { useTRPC } from "@/trpc/react";
import { describeGpuMix, gpuMixRows } from "./gpu-mix-rows";

// recharts is fetched when the chart scrolls into view (ChartFigure), not with the page.
const GpuMixChart = dynamic(() => import("./gpu-mix-chart").then((m) => m.GpuMixChart), { ssr: false });

/** Live org overview; `empty` (the getting-started steps) is shown until there is anything to show. */
export function OverviewCards({ slug, empty }: { slug: string; empty: ReactNode }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.overview.get.queryOptions(), refetchInterval: 5000 });
  if (q.isPending)
    return (
      <p className="text-sm text-muted-foreground" aria-busy="true">
        Loading the overview…
      </p>
    );
  if (q.isError) return <Alert tone="error">Could not load the overview: {q.error.message}</Alert>;
  const o = q.data;
  if (!o.hasData) return <>{empty}</>;
  const mix = gpuMixRows(o.gpusInUse);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Overview</h1>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Card className="space-y-1 p-5">
          <p className="text-sm text-muted-foreground">GPUs in use</p>
          <p className="text-2xl font-semibold tabular-nums">{o.totalGpusInUse} GPUs</p>
          <p className="text-xs text-muted-foreground">
            across {mix.rows.length} GPU type{mix.rows.length === 1 ? "" : "s"}
          </p>
        </Card>
        <Card className="space-y-1 p-5">
          <p className="text-sm text-muted-foreground">Spend today</p>
          <p className="text-2xl font-semibold tabular-nums">{formatUsd(o.spendTodayUsd)}</p>
          <p className="text-xs text-muted-foreground">{formatUsd(o.spendMonthUsd)} this month (UTC)</p>
        </Card>
        <Card className="space-y-1 p-5">
          <p className="flex items-center gap-1 text-sm text-muted-foreground">
            Saved this month
            <FormulaHint formula={o.savingsMonth.formula} />
          </p>
          <p className="text-2xl font-semibold tabular-nums">{formatUsd(o.savingsMonth.savedVsOnDemandUsd)}</p>
          <p className="text-xs text-muted-foreground">{describeSavings(o.savingsMonth, "this month")}</p>
        </Card>
        <Card className="space-y-1 p-5">
          <p className="text-sm text-muted-foreground">Active workloads</p>
          <p className="text-2xl font-semibold tabular-nums">{o.health.active}</p>
          <p className="text-xs">
            <span className="text-emerald-700 dark:text-emerald-400">{o.health.onTrack} on track</span> ·{" "}
            <span className="text-amber-700 dark:text-amber-400">{o.health.atRisk} at risk</span> ·{" "}
            <span className="text-red-700 dark:text-red-400">{o.health.late} late</span>
          </p>
          {o.health.services.active ? (
            <p className="text-xs">
              {o.health.services.active} online {o.health.services.active === 1 ? "service" : "services"}:{" "}
              <span className="text-emerald-700 dark:text-emerald-400">{o.health.services.withinSlo} within SLO</span> ·{" "}
              <span className="text-amber-700 dark:text-amber-400">{o.health.services.atRisk} at risk</span>
            </p>
          ) : null}
          <Link href={`/o/${slug}/workloads`} className="text-xs font-medium text-link hover:underline">
            See workloads
          </Link>
        </Card>
      </div>
      <Card className="space-y-3">
        <h2 className="font-medium">GPU mix</h2>
        {mix.rows.length ? (
          <ChartFigure
            name="GPUs in use by type and market"
            summary={describeGpuMix(mix, o.totalGpusInUse)}
            heightClass="h-64"
            chart={<GpuMixChart mix={mix} />}
            table={{
              columns: [
                { header: "GPU" },
                ...mix.markets.map((m) => ({ header: m, numeric: true })),
                { header: "Total", numeric: true },
              ],
              rows: mix.rows.map((r) => ({
                key: String(r.gpuType),
                cells: [
                  r.gpuType,
                  ...mix.markets.map((m) => Number(r[m] ?? 0)),
                  mix.markets.reduce((n, m) => n + Number(r[m] ?? 0), 0),
                ],
              })),
            }}
          />
        ) : (
          <p className="text-sm text-muted-foreground">
            No GPUs in use right now. Submit a workload and the GPUs Koi places it on show up here.
          </p>
        )}
      </Card>
    </div>
  );
}
