"use client";

import { useQuery } from "@tanstack/react-query";
import { isEndedAssignmentState } from "@koi/contracts/primitives";
import { TERMINAL_WORKLOAD_STATUSES } from "@koi/contracts/workloads/workloads";
import { Alert, Card, EmptyState } from "@koi/ui/card";
import { formatGpuHours, formatNumber, formatPct, formatUsd } from "@/lib/format";
import { RelativeTime } from "@/components/relative-time";
import { useTRPC } from "@/trpc/react";
import { CancelWorkloadButton } from "./cancel-workload-button";
import { DecisionTimeline } from "./decision-timeline";
import { ForecastChart } from "./forecast-chart";
import { HealthBadge, ProgressBar, StatusBadge } from "./workload-badges";

/** One workload, live: refreshed every 3 s while it runs, every 30 s once it has ended. */
export function WorkloadDetail({ workloadId, canCancel }: { workloadId: string; canCancel: boolean }) {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.workloads.get.queryOptions({ workloadId }),
    refetchInterval: (query) =>
      query.state.data && TERMINAL_WORKLOAD_STATUSES.includes(query.state.data.workload.status) ? 30_000 : 3000,
  });
  if (q.isPending)
    return (
      <p className="text-sm text-zinc-500" aria-busy="true">
        Loading the workload…
      </p>
    );
  if (q.isError) return <Alert tone="error">Could not load this workload: {q.error.message}</Alert>;
  const { workload: w, decisions, assignments, forecastPoints, usageByComponent, projectedCostUsd } = q.data;
  const now = new Date(q.dataUpdatedAt || Date.now());
  const at = (iso: string | Date | null, fallback = "—") => {
    if (!iso) return fallback;
    const d = typeof iso === "string" ? new Date(iso) : iso;
    return <RelativeTime date={d} now={now} />;
  };
  const ended = TERMINAL_WORKLOAD_STATUSES.includes(w.status);
  const live = [...assignments].reverse().find((a) => !isEndedAssignmentState(a.state)) ?? assignments.at(-1);
  const m = live?.metrics;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold">{w.name}</h1>
          <p className="text-sm text-zinc-500">
            {w.kind} · {w.model} · {w.priority} priority · submitted {at(w.createdAt)} via {q.data.submittedVia} ·{" "}
            <span className="font-mono">{w.id}</span>
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <StatusBadge status={w.status} />
            {!ended ? <HealthBadge health={w.health} /> : null}
            {w.engine ? (
              <span className="text-xs text-zinc-500">on {w.engine === "orca" ? "Orca" : "Tuna"}</span>
            ) : null}
          </div>
          {w.statusDetail && w.statusDetail.toLowerCase() !== w.status.toLowerCase() ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">{w.statusDetail}</p>
          ) : null}
        </div>
        {canCancel && !ended ? <CancelWorkloadButton workloadId={w.id} /> : null}
      </div>

      {w.kind === "batch" ? (
        <Card className="space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="font-medium">Progress</h2>
            <span className="text-sm tabular-nums text-zinc-600 dark:text-zinc-400">
              {formatNumber(w.progress.completed)} / {formatNumber(w.progress.total)} requests (
              {w.progress.total ? formatPct(w.progress.completed / w.progress.total) : "0%"})
            </span>
          </div>
          <ProgressBar
            done={w.progress.completed}
            total={w.progress.total}
            label="Requests completed"
            className="h-3"
          />
          <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
            <Stat label="Deadline">{at(w.deadlineAt)}</Stat>
            <Stat label="Forecast finish (P50)">
              {ended ? at(w.completedAt) : at(w.forecast?.p50 ?? null, "after the first reports")}
            </Stat>
            <Stat label="P10–P90">
              {w.forecast?.p10 && w.forecast.p90 ? (
                <>
                  {at(w.forecast.p10)} – {at(w.forecast.p90)}
                </>
              ) : (
                "—"
              )}
            </Stat>
            <Stat label="Chance of missing the deadline">
              {w.forecast?.missProbability !== null && w.forecast?.missProbability !== undefined
                ? formatPct(w.forecast.missProbability)
                : "—"}
            </Stat>
          </dl>
          {w.forecast?.explanation ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">{w.forecast.explanation}</p>
          ) : null}
        </Card>
      ) : null}

      {w.kind === "batch" ? (
        <Card className="space-y-3">
          <h2 className="font-medium">Forecast</h2>
          {forecastPoints.length ? (
            <ForecastChart
              points={forecastPoints}
              forecast={w.forecast}
              decisions={decisions}
              deadlineAt={w.deadlineAt}
            />
          ) : (
            <EmptyState title="No forecast yet">
              Koi forecasts the finish every few seconds once the engine reports progress.
            </EmptyState>
          )}
        </Card>
      ) : null}

      <div className="grid gap-6 md:grid-cols-2">
        <Card className="space-y-3">
          <h2 className="font-medium">Cost</h2>
          <dl className="grid grid-cols-2 gap-4 text-sm">
            <Stat label={ended ? "Final" : "Accrued"}>{formatUsd(w.costUsd)}</Stat>
            {ended ? null : (
              <Stat label="Projected at finish">{projectedCostUsd !== null ? formatUsd(projectedCostUsd) : "—"}</Stat>
            )}
            <Stat label="Planned">{w.predictedCostUsd !== null ? formatUsd(w.predictedCostUsd) : "—"}</Stat>
            <Stat label="Budget">
              {w.budgetUsd !== null ? `${formatUsd(w.budgetUsd)}${w.kind === "online" ? "/h" : ""}` : "none"}
            </Stat>
          </dl>
          {usageByComponent.length ? (
            <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
              {usageByComponent.map((u) => (
                <li key={u.component} className="flex justify-between py-1">
                  <span>{u.component}</span>
                  <span className="tabular-nums text-zinc-600 dark:text-zinc-400">
                    {formatUsd(u.costUsd)} ·{" "}
                    {u.component === "router" ? `${formatNumber(u.seconds / 3600, 1)} h` : formatGpuHours(u.seconds)}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-zinc-500">No usage reported yet.</p>
          )}
        </Card>
        <Card className="space-y-3">
          <h2 className="font-medium">Engine metrics</h2>
          {m && (m.tokensPerSecond !== null || m.gpuUtilPct !== null) ? (
            <dl className="grid grid-cols-2 gap-4 text-sm">
              <Stat label="Throughput">
                {m.tokensPerSecond !== null ? `${formatNumber(m.tokensPerSecond)} tok/s` : "—"}
              </Stat>
              <Stat label="Output">
                {m.outputTokensPerSecond !== null ? `${formatNumber(m.outputTokensPerSecond)} tok/s` : "—"}
              </Stat>
              <Stat label="GPU utilisation">{m.gpuUtilPct !== null ? `${formatNumber(m.gpuUtilPct)}%` : "—"}</Stat>
              <Stat label="Batch size">{m.batchSize !== null ? `${formatNumber(m.batchSize)} seqs` : "—"}</Stat>
              <Stat label="KV-cache hit rate">{m.kvCacheHitRate !== null ? formatPct(m.kvCacheHitRate) : "—"}</Stat>
              <Stat label="TTFT / TPOT p95">
                {m.ttftMsP95 !== null || m.tpotMsP95 !== null
                  ? `${m.ttftMsP95 !== null ? formatNumber(m.ttftMsP95) : "—"} ms / ${m.tpotMsP95 !== null ? formatNumber(m.tpotMsP95, 1) : "—"} ms`
                  : "—"}
              </Stat>
              {m.replicasTotal !== null ? (
                <Stat label="Replicas live">{`${m.replicasLive ?? 0} / ${m.replicasTotal}`}</Stat>
              ) : null}
              {m.pctSpot !== null ? <Stat label="Traffic on spot">{`${formatNumber(m.pctSpot)}%`}</Stat> : null}
            </dl>
          ) : (
            <p className="text-sm text-zinc-500">
              The engine's tokens/s, GPU utilisation, batch size and KV-cache hit rate appear with its first report.
            </p>
          )}
        </Card>
      </div>

      <Card className="space-y-3">
        <h2 className="font-medium">Assignments</h2>
        {assignments.length ? (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase tracking-wide text-zinc-500">
                <tr>
                  <th className="py-1 pr-4 font-medium">Placement</th>
                  <th className="py-1 pr-4 font-medium">State</th>
                  <th className="py-1 pr-4 font-medium">Engine</th>
                  <th className="py-1 pr-4 text-right font-medium">Progress</th>
                  <th className="py-1 pr-4 text-right font-medium">Cost</th>
                  <th className="py-1 font-medium">Updated</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {assignments.map((a) => (
                  <tr key={a.id}>
                    <td className="py-2 pr-4">
                      {a.placement
                        ? `${a.placement.replicas}× ${a.placement.gpuType} · TP${a.placement.tp} · ${a.placement.market} (${a.placement.gpus} GPUs)`
                        : "—"}
                      <div className="font-mono text-xs text-zinc-500">epoch {a.epoch}</div>
                    </td>
                    <td className="py-2 pr-4">{a.state}</td>
                    <td className="py-2 pr-4">{a.engine}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">
                      {a.progressTotal ? `${formatNumber(a.progressDone)} / ${formatNumber(a.progressTotal)}` : "—"}
                    </td>
                    <td className="py-2 pr-4 text-right tabular-nums">{formatUsd(a.costUsd)}</td>
                    <td className="py-2 text-zinc-500">{at(a.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm text-zinc-500">
            {ended
              ? "This workload never ran on an engine."
              : "Koi is planning it; the engine job appears here once it is placed."}
          </p>
        )}
      </Card>

      <Card className="space-y-3">
        <h2 className="font-medium">Decisions</h2>
        {decisions.length ? (
          <DecisionTimeline decisions={decisions} now={now} />
        ) : (
          <p className="text-sm text-zinc-500">Koi's choices — the plan, scaling, failovers — and why, appear here.</p>
        )}
      </Card>
    </div>
  );
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="font-medium tabular-nums">{children}</dd>
    </div>
  );
}
