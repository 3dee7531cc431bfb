"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { isEndedAssignmentState } from "@koi/contracts/primitives";
import { TERMINAL_WORKLOAD_STATUSES } from "@koi/contracts/workloads/workloads";
import { Alert, Card, EmptyState } from "@koi/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@koi/ui/table";
import { ChartFigure } from "@/components/charts/chart-figure";
import { formatGpuHours, formatNumber, formatPct, formatUsd, formatUsdPerHour } from "@/lib/format";
import { RelativeTime } from "@/components/relative-time";
import { useTRPC } from "@/trpc/react";
import { LiveIndicator } from "@/components/live/live-indicator";
import { useLiveTopic } from "@/components/live/use-live-topic";
import { batchPlaceholders } from "./batch-placeholders";
import { CancelWorkloadButton, WORKLOAD_STATUS_ID } from "./cancel-workload-button";
import { countNoun } from "./count-noun";
import { DecisionTimeline } from "./decision-timeline";
import { clockTime, describeForecast, samplePoints } from "./forecast-series";
import { OnlineServicePanel } from "./online-service-panel";
import { Stat } from "./stat";
import { HealthBadge, ProgressBar, StatusBadge } from "./workload-badges";
import { submittedViaLabel } from "@/lib/submitted-via";

// recharts is fetched when the chart scrolls into view (ChartFigure), not with the page.
const ForecastChart = dynamic(() => import("./forecast-chart").then((m) => m.ForecastChart), { ssr: false });

/**
 * One workload, live: refetched when the server says it changed (server-sent events); polled
 * every 3 s while it runs only when that stream is down, every 30 s otherwise.
 */
export function WorkloadDetail({ workloadId, canCancel }: { workloadId: string; canCancel: boolean }) {
  const trpc = useTRPC();
  const streaming = useLiveTopic(`workload:${workloadId}`, [trpc.workloads.pathKey()]);
  const q = useQuery({
    ...trpc.workloads.get.queryOptions({ workloadId }),
    refetchInterval: (query) =>
      streaming || (query.state.data && TERMINAL_WORKLOAD_STATUSES.includes(query.state.data.workload.status))
        ? 30_000
        : 3000,
  });
  if (q.isPending)
    return (
      <p className="text-sm text-muted-foreground" aria-busy="true">
        Loading the workload…
      </p>
    );
  if (q.isError) return <Alert tone="error">Could not load this workload: {q.error.message}</Alert>;
  const {
    workload: w,
    decisions,
    assignments,
    forecastPoints,
    usageByComponent,
    projectedCostUsd,
    currentCostPerHour,
  } = q.data;
  const now = new Date(q.dataUpdatedAt || Date.now());
  const at = (iso: string | Date | null, fallback = "—") => {
    if (!iso) return fallback;
    const d = typeof iso === "string" ? new Date(iso) : iso;
    return <RelativeTime date={d} now={now} />;
  };
  // The deadline and the forecast are read against each other: to the minute, not "in 2 hours" for both.
  const preciseAt = (iso: string | null, fallback = "—") =>
    iso ? <RelativeTime date={new Date(iso)} now={now} precise /> : fallback;
  const ended = TERMINAL_WORKLOAD_STATUSES.includes(w.status);
  // Between Orca's chunk counts the server estimates progress from tokens generated (marked ≈).
  const estimated = ended ? null : w.progress.estimated;
  const done = estimated ?? w.progress.completed;
  const live = [...assignments].reverse().find((a) => !isEndedAssignmentState(a.state)) ?? assignments.at(-1);
  const m = live?.metrics;
  const placeholders = batchPlaceholders(w.status, assignments.length > 0);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold">{w.name}</h1>
          <p className="text-sm text-muted-foreground">
            {w.kind} · {w.model} · {w.priority} priority · submitted {at(w.createdAt)} via{" "}
            {submittedViaLabel(q.data.submittedVia)} · <span className="font-mono">{w.id}</span>
          </p>
          <div
            id={WORKLOAD_STATUS_ID}
            tabIndex={-1}
            className="flex flex-wrap items-center gap-2 rounded-sm focus-visible:outline-2 focus-visible:outline-ring"
          >
            <StatusBadge status={w.status} />
            {!ended ? <HealthBadge health={w.health} kind={w.kind} /> : null}
            {w.engine ? (
              <span className="text-xs text-muted-foreground">on {w.engine === "orca" ? "Orca" : "Tuna"}</span>
            ) : null}
            {!ended ? <LiveIndicator streaming={streaming} pollSeconds={3} /> : null}
          </div>
          {w.statusDetail && w.statusDetail.toLowerCase() !== w.status.toLowerCase() ? (
            <p className="text-sm text-muted-foreground">{w.statusDetail}</p>
          ) : null}
        </div>
        {canCancel && !ended ? <CancelWorkloadButton workloadId={w.id} /> : null}
      </div>

      {w.kind === "online" && q.data.online ? <OnlineServicePanel view={q.data.online} /> : null}

      {w.kind === "batch" ? (
        <Card className="space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="font-medium">Progress</h2>
            <span className="text-sm tabular-nums text-muted-foreground">
              {estimated === null ? "" : "≈ "}
              {formatNumber(done)} / {formatNumber(w.progress.total)} requests (
              {w.progress.total ? formatPct(done / w.progress.total) : "0%"})
            </span>
          </div>
          <ProgressBar done={done} total={w.progress.total} label="Requests completed" className="h-3" />
          {estimated === null ? null : (
            <p className="text-sm text-muted-foreground">
              Estimated from the tokens the engine generated since it last counted: it reports whole chunks, and has
              counted {countNoun(w.progress.completed, "request")}.
            </p>
          )}
          <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
            <Stat label="Deadline">{preciseAt(w.deadlineAt)}</Stat>
            <Stat label={placeholders.finishLabel}>
              {ended ? preciseAt(w.completedAt) : preciseAt(w.forecast?.p50 ?? null, "after the first reports")}
            </Stat>
            <Stat label="P10–P90">
              {w.forecast?.p10 && w.forecast.p90 ? (
                <>
                  {preciseAt(w.forecast.p10)} – {preciseAt(w.forecast.p90)}
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
          {w.forecast?.explanation ? <p className="text-sm text-muted-foreground">{w.forecast.explanation}</p> : null}
        </Card>
      ) : null}

      {w.kind === "batch" ? (
        <Card className="space-y-3">
          <h2 className="font-medium">Forecast</h2>
          {forecastPoints.length ? (
            <ChartFigure
              name="Forecast: requests completed over time, the predicted finish and the deadline"
              summary={describeForecast({ points: forecastPoints, forecast: w.forecast, deadlineAt: w.deadlineAt })}
              chart={
                <ForecastChart
                  points={forecastPoints}
                  forecast={w.forecast}
                  decisions={decisions}
                  deadlineAt={w.deadlineAt}
                />
              }
              caption="The shaded band is where the finish will land 80% of the time (P10–P90); dots mark where Koi scaled, swapped, paused or replanned."
              table={{
                columns: [
                  { header: "Time" },
                  { header: "Requests done", numeric: true },
                  { header: "Forecast finish (P50)" },
                  { header: "P10–P90" },
                  { header: "Chance of missing", numeric: true },
                ],
                rows: samplePoints(forecastPoints).map((p) => ({
                  key: String(p.at.getTime()),
                  cells: [
                    clockTime(p.at.getTime()),
                    `${formatNumber(p.completed)} / ${formatNumber(p.total)}`,
                    p.p50 ? clockTime(p.p50.getTime()) : "—",
                    p.p10 && p.p90 ? `${clockTime(p.p10.getTime())}–${clockTime(p.p90.getTime())}` : "—",
                    p.missProbability !== null ? formatPct(p.missProbability) : "—",
                  ],
                })),
                note:
                  forecastPoints.length > 24
                    ? `24 of the ${forecastPoints.length} forecast runs, evenly spread.`
                    : undefined,
              }}
            />
          ) : (
            <EmptyState title={placeholders.noForecast.title}>{placeholders.noForecast.body}</EmptyState>
          )}
        </Card>
      ) : null}

      <div className="grid gap-6 md:grid-cols-2">
        <Card className="space-y-3">
          <h2 className="font-medium">Cost</h2>
          <dl className="grid grid-cols-2 gap-4 text-sm">
            <Stat label={ended ? "Final" : "Accrued"}>{formatUsd(w.costUsd)}</Stat>
            {!ended && w.kind === "batch" ? (
              <Stat label="Projected at finish">{projectedCostUsd !== null ? formatUsd(projectedCostUsd) : "—"}</Stat>
            ) : null}
            {!ended && currentCostPerHour !== null ? (
              <Stat label="Running at">{formatUsdPerHour(currentCostPerHour)}</Stat>
            ) : null}
            <Stat label="Planned">
              {w.predictedCostUsd === null
                ? "—"
                : w.kind === "online"
                  ? formatUsdPerHour(w.predictedCostUsd)
                  : formatUsd(w.predictedCostUsd)}
            </Stat>
            <Stat label="Budget">
              {w.budgetUsd !== null ? `${formatUsd(w.budgetUsd)}${w.kind === "online" ? "/h" : ""}` : "none"}
            </Stat>
          </dl>
          {usageByComponent.length ? (
            <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
              {usageByComponent.map((u) => (
                <li key={u.component} className="flex justify-between py-1">
                  <span>{u.component}</span>
                  <span className="tabular-nums text-muted-foreground">
                    {formatUsd(u.costUsd)} ·{" "}
                    {u.component === "router" ? `${formatNumber(u.seconds / 3600, 1)} h` : formatGpuHours(u.seconds)}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-muted-foreground">No usage reported yet.</p>
          )}
        </Card>
        {w.kind === "batch" ? (
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
              <p className="text-sm text-muted-foreground">{placeholders.noMetrics}</p>
            )}
          </Card>
        ) : null}
      </div>

      <Card className="space-y-3">
        <h2 id="assignments-heading" className="font-medium">
          Assignments
        </h2>
        {assignments.length ? (
          <Table labelledBy="assignments-heading">
            <TableHeader>
              <TableRow>
                <TableHead>Placement</TableHead>
                <TableHead>State</TableHead>
                <TableHead>Engine</TableHead>
                <TableHead numeric>Progress</TableHead>
                <TableHead numeric>Cost</TableHead>
                <TableHead>Updated</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {assignments.map((a) => (
                <TableRow key={a.id}>
                  <TableCell>
                    {a.placement
                      ? `${a.placement.replicas}× ${a.placement.gpuType} · TP${a.placement.tp} · ${a.placement.market} (${countNoun(a.placement.gpus, "GPU")})`
                      : "—"}
                    <div className="font-mono text-xs text-muted-foreground">epoch {a.epoch}</div>
                  </TableCell>
                  <TableCell>{a.state}</TableCell>
                  <TableCell>{a.engine}</TableCell>
                  <TableCell numeric>
                    {a.progressTotal ? `${formatNumber(a.progressDone)} / ${formatNumber(a.progressTotal)}` : "—"}
                  </TableCell>
                  <TableCell numeric>{formatUsd(a.costUsd)}</TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">{at(a.updatedAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : (
          <p className="text-sm text-muted-foreground">
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
          <p className="text-sm text-muted-foreground">
            Koi's choices — the plan, scaling, failovers — and why, appear here.
          </p>
        )}
      </Card>
    </div>
  );
}
