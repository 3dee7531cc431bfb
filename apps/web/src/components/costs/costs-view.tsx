"use client";

import { useQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Alert, Card, EmptyState } from "@koi/ui/card";
import { Field, Select } from "@koi/ui/field";
import { formatGpuHours, formatPct, formatUsd } from "@/lib/format";
import { FormulaHint } from "@/components/formula-hint";
import { useTRPC } from "@/trpc/react";
import { MARKET_COLORS } from "../overview/overview-cards";

const COMPONENTS = ["spot", "serverless", "on-demand", "reserved", "on-prem", "router"] as const;
type TRange = "24h" | "7d" | "30d";

/** Spend over time by component, the spot/serverless split, savings vs baselines and per workload. */
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
        className="inline-flex items-center gap-1.5 rounded-md border border-zinc-300 px-3 py-2 text-sm font-medium hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-brand-500 dark:border-zinc-700 dark:hover:bg-zinc-900"
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
        <p className="text-sm text-zinc-500" aria-busy="true">
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
  const chartData = c.buckets.map((b) => ({ ...b, t: b.start.getTime() }));
  const tick = (ms: number) =>
    c.bucket === "hour"
      ? new Date(ms).toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit" })
      : new Date(ms).toLocaleDateString("en-US", { month: "short", day: "numeric" });
  const used = COMPONENTS.filter((k) => c.byComponent[k] > 0);
  const splitTotal = c.split.spotUsd + c.split.serverlessUsd;

  return (
    <div className="space-y-6">
      {header}
      {c.totalUsd === 0 ? (
        <EmptyState
          title="No spend in this period"
          action={
            <Link
              href={`/o/${slug}/workloads/new`}
              className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
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
              <p className="text-sm text-zinc-500">Spend</p>
              <p className="text-2xl font-semibold tabular-nums">{formatUsd(c.totalUsd)}</p>
              <p className="text-xs text-zinc-500">{formatGpuHours(c.savings.gpuSeconds)}</p>
            </Card>
            <Card className="space-y-1 p-5">
              <p className="flex items-center gap-1 text-sm text-zinc-500">
                Saved vs baselines
                <FormulaHint formula={c.savings.formula} />
              </p>
              <p className="text-2xl font-semibold tabular-nums">{formatUsd(c.savings.savedVsOnDemandUsd)}</p>
              <p className="text-xs text-zinc-500">
                vs on-demand always-on ({formatUsd(c.savings.onDemandBaselineUsd)}) ·{" "}
                {formatUsd(c.savings.savedVsServerlessUsd)} vs serverless always-on (
                {formatUsd(c.savings.serverlessBaselineUsd)})
              </p>
            </Card>
            <Card className="space-y-2 p-5">
              <p className="text-sm text-zinc-500">Spot / serverless split</p>
              {splitTotal > 0 ? (
                <>
                  <div
                    className="flex h-3 overflow-hidden rounded-full"
                    role="img"
                    aria-label={`Spot ${formatPct(c.split.spotUsd / splitTotal)}, serverless ${formatPct(c.split.serverlessUsd / splitTotal)} of spend`}
                  >
                    <div
                      style={{ width: `${(c.split.spotUsd / splitTotal) * 100}%`, background: MARKET_COLORS.spot }}
                    />
                    <div
                      style={{
                        width: `${(c.split.serverlessUsd / splitTotal) * 100}%`,
                        background: MARKET_COLORS.serverless,
                      }}
                    />
                  </div>
                  <p className="text-xs text-zinc-500">
                    spot {formatUsd(c.split.spotUsd)} ({formatGpuHours(c.split.spotSeconds)}) · serverless{" "}
                    {formatUsd(c.split.serverlessUsd)} ({formatGpuHours(c.split.serverlessSeconds)})
                  </p>
                </>
              ) : (
                <p className="text-sm text-zinc-500">No spot or serverless usage in this period.</p>
              )}
            </Card>
          </div>
          <Card className="space-y-3">
            <h2 className="font-medium">Spend over time</h2>
            <figure aria-label={`Spend per ${c.bucket} by component`}>
              <div className="h-72 w-full">
                <ResponsiveContainer width="100%" height="100%">
                  <AreaChart data={chartData} margin={{ top: 8, right: 16, left: 8, bottom: 0 }}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis
                      dataKey="t"
                      type="number"
                      scale="time"
                      domain={["dataMin", "dataMax"]}
                      tickFormatter={tick}
                      fontSize={12}
                    />
                    <YAxis tickFormatter={(v: number) => `$${v}`} fontSize={12} />
                    <Tooltip
                      labelFormatter={(v) => new Date(Number(v)).toLocaleString()}
                      formatter={(v, name) => [formatUsd(Number(v)), String(name)]}
                    />
                    <Legend />
                    {used.map((k) => (
                      <Area
                        key={k}
                        type="stepAfter"
                        dataKey={k}
                        stackId="spend"
                        stroke={MARKET_COLORS[k]}
                        fill={MARKET_COLORS[k]}
                        fillOpacity={0.5}
                        isAnimationActive={false}
                      />
                    ))}
                  </AreaChart>
                </ResponsiveContainer>
              </div>
              <figcaption className="text-xs text-zinc-500">
                USD per {c.bucket === "hour" ? "hour" : "day"} (UTC), stacked by where the GPUs ran.
              </figcaption>
            </figure>
          </Card>
          <Card className="space-y-3">
            <h2 className="font-medium">By workload</h2>
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-xs uppercase tracking-wide text-zinc-500">
                  <tr>
                    <th className="py-1 pr-4 font-medium">Workload</th>
                    <th className="py-1 pr-4 font-medium">Status</th>
                    <th className="py-1 pr-4 text-right font-medium">GPU time</th>
                    <th className="py-1 pr-4 text-right font-medium">Spend</th>
                    <th className="py-1 text-right font-medium">Budget</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                  {c.workloads.map((w) => (
                    <tr key={w.workloadId ?? "none"}>
                      <td className="py-2 pr-4">
                        {w.workloadId ? (
                          <Link href={`/o/${slug}/workloads/${w.workloadId}`} className="font-medium hover:underline">
                            {w.name}
                          </Link>
                        ) : (
                          <span className="text-zinc-500">{w.name}</span>
                        )}
                      </td>
                      <td className="py-2 pr-4">{w.status?.toLowerCase() ?? "—"}</td>
                      <td className="py-2 pr-4 text-right tabular-nums">{formatGpuHours(w.gpuSeconds)}</td>
                      <td className="py-2 pr-4 text-right tabular-nums">{formatUsd(w.costUsd)}</td>
                      <td className="py-2 text-right tabular-nums">
                        {w.budgetUsd !== null ? formatUsd(w.budgetUsd) : "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        </>
      )}
    </div>
  );
}
