"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Alert, Card } from "@koi/ui/card";
import { formatUsd } from "@/lib/format";
import { FormulaHint } from "@/components/formula-hint";
import { useTRPC } from "@/trpc/react";

export const MARKET_COLORS: Record<string, string> = {
  spot: "#f26b1d",
  "on-demand": "#2563eb",
  reserved: "#7c3aed",
  "on-prem": "#0f766e",
  serverless: "#db2777",
  router: "#71717a",
};

/** GPU types as rows of the bar chart, one stacked bar segment per market. */
export function gpuMixRows(gpus: readonly { gpuType: string; market: string; gpus: number }[]) {
  const rows = new Map<string, Record<string, number | string>>();
  for (const g of gpus) {
    const row = rows.get(g.gpuType) ?? { gpuType: g.gpuType };
    row[g.market] = ((row[g.market] as number | undefined) ?? 0) + g.gpus;
    rows.set(g.gpuType, row);
  }
  return { rows: [...rows.values()], markets: [...new Set(gpus.map((g) => g.market))] };
}

/** Live org overview; `empty` (the getting-started steps) is shown until there is anything to show. */
export function OverviewCards({ slug, empty }: { slug: string; empty: ReactNode }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.overview.get.queryOptions(), refetchInterval: 5000 });
  if (q.isPending)
    return (
      <p className="text-sm text-zinc-500" aria-busy="true">
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
          <p className="text-sm text-zinc-500">GPUs in use</p>
          <p className="text-2xl font-semibold tabular-nums">{o.totalGpusInUse} GPUs</p>
          <p className="text-xs text-zinc-500">
            across {mix.rows.length} GPU type{mix.rows.length === 1 ? "" : "s"}
          </p>
        </Card>
        <Card className="space-y-1 p-5">
          <p className="text-sm text-zinc-500">Spend today</p>
          <p className="text-2xl font-semibold tabular-nums">{formatUsd(o.spendTodayUsd)}</p>
          <p className="text-xs text-zinc-500">{formatUsd(o.spendMonthUsd)} this month (UTC)</p>
        </Card>
        <Card className="space-y-1 p-5">
          <p className="flex items-center gap-1 text-sm text-zinc-500">
            Saved this month
            <FormulaHint formula={o.savingsMonth.formula} />
          </p>
          <p className="text-2xl font-semibold tabular-nums">{formatUsd(o.savingsMonth.savedVsOnDemandUsd)}</p>
          <p className="text-xs text-zinc-500">
            vs on-demand always-on · {formatUsd(o.savingsMonth.savedVsServerlessUsd)} vs serverless
          </p>
        </Card>
        <Card className="space-y-1 p-5">
          <p className="text-sm text-zinc-500">Active workloads</p>
          <p className="text-2xl font-semibold tabular-nums">{o.health.active}</p>
          <p className="text-xs">
            <span className="text-emerald-700 dark:text-emerald-400">{o.health.onTrack} on track</span> ·{" "}
            <span className="text-amber-700 dark:text-amber-400">{o.health.atRisk} at risk</span> ·{" "}
            <span className="text-red-700 dark:text-red-400">{o.health.late} late</span>
          </p>
          <Link
            href={`/o/${slug}/workloads`}
            className="text-xs font-medium text-brand-700 hover:underline dark:text-brand-500"
          >
            See workloads
          </Link>
        </Card>
      </div>
      <Card className="space-y-3">
        <h2 className="font-medium">GPU mix</h2>
        {mix.rows.length ? (
          <figure aria-label="GPUs in use by type and market">
            <div className="h-64 w-full">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={mix.rows} layout="vertical" margin={{ left: 24, right: 16 }}>
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                  <XAxis
                    type="number"
                    allowDecimals={false}
                    fontSize={12}
                    label={{ value: "GPUs", position: "insideBottomRight", offset: -4, fontSize: 12 }}
                  />
                  <YAxis type="category" dataKey="gpuType" fontSize={12} width={90} />
                  <Tooltip formatter={(v, name) => [`${v} GPUs`, String(name)]} />
                  <Legend />
                  {mix.markets.map((m) => (
                    <Bar
                      key={m}
                      dataKey={m}
                      stackId="gpus"
                      maxBarSize={36}
                      fill={MARKET_COLORS[m] ?? "#a1a1aa"}
                      isAnimationActive={false}
                    />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </div>
          </figure>
        ) : (
          <p className="text-sm text-zinc-500">
            No GPUs in use right now. Submit a workload and the GPUs Koi places it on show up here.
          </p>
        )}
      </Card>
    </div>
  );
}
