"use client";

import dynamic from "next/dynamic";
import { Alert, Card, EmptyState } from "@koi/ui/card";
import { ChartFigure } from "@/components/charts/chart-figure";
import { formatNumber, formatUsd, formatUsdPerHour } from "@/lib/format";
import { clockTime } from "./forecast-series";
import { describeService, spotReplicasLabel, tableRows, type TOnlineView } from "./online-series";
import { Stat } from "./stat";

// recharts is fetched when a chart scrolls into view (ChartFigure), not with the page.
const RateChart = dynamic(() => import("./online-charts").then((m) => m.RateChart), { ssr: false });
const LatencyChart = dynamic(() => import("./online-charts").then((m) => m.LatencyChart), { ssr: false });
const ReplicasChart = dynamic(() => import("./online-charts").then((m) => m.ReplicasChart), { ssr: false });
const CostChart = dynamic(() => import("./online-charts").then((m) => m.CostChart), { ssr: false });

const ms = (v: number | null) => (v === null ? "—" : `${formatNumber(v)} ms`);

/** An online service: its SLO, the load and its forecast, latency, replicas and cost over time. */
export function OnlineServicePanel({ view }: { view: TOnlineView }) {
  const last = view.samples.at(-1);
  const rows = tableRows(view.samples);
  const p = view.policy;
  return (
    <div className="space-y-6">
      <Card className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="font-medium">Service level</h2>
          <span className="text-sm text-muted-foreground">
            targets: TTFT p95 ≤ {formatNumber(view.targets.ttftP95Ms)} ms · TPOT p95 ≤{" "}
            {formatNumber(view.targets.tpotP95Ms)} ms
          </span>
        </div>
        {view.health?.status === "AT_RISK" ? (
          <Alert tone="error">SLO at risk: {view.health.reasons.join("; ")}.</Alert>
        ) : null}
        {view.policyRefused ? (
          <Alert tone="error">
            Tuna has not taken Koi&apos;s scaling policy, so the service runs the policy it was deployed with:{" "}
            {view.policyRefused.detail}.
          </Alert>
        ) : null}
        <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
          <Stat label="Request rate">{last ? `${formatNumber(last.requestsPerSecond, 1)} req/s` : "—"}</Stat>
          <Stat label="TTFT / TPOT p95">{last ? `${ms(last.ttftP95Ms)} / ${ms(last.tpotP95Ms)}` : "—"}</Stat>
          <Stat label="Spot replicas">
            {last ? spotReplicasLabel(last) : "—"}
            {p ? (
              <span className="text-muted-foreground">
                {" "}
                ({view.policyRefused ? "Koi would keep" : "Koi keeps"} {p.spot.min_replicas}–{p.spot.max_replicas})
              </span>
            ) : null}
          </Stat>
          <Stat label="Serverless">
            {p ? `${p.serverless.workers_min}–${p.serverless.workers_max} workers × ${p.serverless.concurrency}` : "—"}
          </Stat>
          <Stat label="Cost now">{view.costPerHour !== null ? formatUsdPerHour(view.costPerHour) : "—"}</Stat>
          <Stat label="Per million tokens">
            {view.costPerMillionTokens !== null ? formatUsd(view.costPerMillionTokens) : "—"}
          </Stat>
          <Stat label="Planned">{view.plan ? formatUsdPerHour(view.plan.costPerHour) : "—"}</Stat>
          <Stat label="Per replica">
            {view.plan && view.plan.ratePerReplica > 0
              ? `${formatNumber(view.plan.ratePerReplica, 1)} req/s on ${view.plan.gpuType ?? "serverless"}`
              : "—"}
          </Stat>
        </dl>
        {view.forecast ? <p className="text-sm text-muted-foreground">Forecast: {view.forecast.explanation}.</p> : null}
        {view.clockRate > 1.5 ? (
          <p className="text-xs text-muted-foreground">
            This engine&apos;s clock runs {formatNumber(view.clockRate)}× real time (a simulator compressing the day):
            rates and cost are per engine second and hour.
          </p>
        ) : null}
      </Card>

      {view.samples.length ? (
        <>
          <Card className="space-y-3">
            <h2 className="font-medium">Load and forecast</h2>
            <ChartFigure
              name="Request rate observed and forecast"
              summary={describeService(view)}
              chart={<RateChart view={view} />}
              caption="The shaded band is where the next hours' rate will land 80% of the time (P10–P90); Koi sizes spot replicas for its upper end."
              table={{
                columns: [
                  { header: "Time" },
                  { header: "Requests/s", numeric: true },
                  { header: "Tokens/s", numeric: true },
                ],
                rows: rows.map((s) => ({
                  key: String(s.at.getTime()),
                  cells: [
                    clockTime(s.at.getTime()),
                    formatNumber(s.requestsPerSecond, 2),
                    formatNumber(s.tokensPerSecond),
                  ],
                })),
              }}
            />
          </Card>
          <div className="grid gap-6 lg:grid-cols-2">
            <Card className="space-y-3">
              <h2 className="font-medium">Latency against the targets</h2>
              <ChartFigure
                name="TTFT and TPOT p95 against the targets"
                summary={describeService(view)}
                chart={<LatencyChart view={view} />}
                caption="Dashed lines are the targets; p95 per report interval from the engine's histograms."
                table={{
                  columns: [
                    { header: "Time" },
                    { header: "TTFT p95", numeric: true },
                    { header: "TPOT p95", numeric: true },
                  ],
                  rows: rows.map((s) => ({
                    key: String(s.at.getTime()),
                    cells: [clockTime(s.at.getTime()), ms(s.ttftP95Ms), ms(s.tpotP95Ms)],
                  })),
                }}
              />
            </Card>
            <Card className="space-y-3">
              <h2 className="font-medium">Spot replicas and serverless</h2>
              <ChartFigure
                name="Spot replicas and the share of requests on serverless"
                summary={describeService(view)}
                chart={<ReplicasChart view={view} />}
                caption="Tuna sends every request to spot while a spot replica is ready; serverless catches the rest."
                table={{
                  columns: [
                    { header: "Time" },
                    { header: "Spot replicas", numeric: true },
                    { header: "On serverless", numeric: true },
                  ],
                  rows: rows.map((s) => ({
                    key: String(s.at.getTime()),
                    cells: [clockTime(s.at.getTime()), spotReplicasLabel(s), `${formatNumber(100 - s.pctSpot)}%`],
                  })),
                }}
              />
            </Card>
          </div>
          <Card className="space-y-3">
            <h2 className="font-medium">Cost</h2>
            <ChartFigure
              name="Cost per hour over time"
              summary={`Now ${view.costPerHour !== null ? formatUsdPerHour(view.costPerHour) : "unknown"}; ${view.costPerMillionTokens !== null ? `${formatUsd(view.costPerMillionTokens)} per million tokens` : "no tokens served yet"}.`}
              heightClass="h-56"
              chart={<CostChart view={view} />}
              caption="The dashed line is what Koi's current plan costs per hour."
              table={{
                columns: [{ header: "Time" }, { header: "Cost", numeric: true }],
                rows: rows.map((s) => ({
                  key: String(s.at.getTime()),
                  cells: [clockTime(s.at.getTime()), formatUsdPerHour(s.costPerHour)],
                })),
              }}
            />
          </Card>
        </>
      ) : (
        <Card>
          <EmptyState title="No reports yet">
            Koi sized the service for the submitted {formatNumber(view.expectedRps, 1)} req/s. Request rate, latency and
            replicas appear with the agent&apos;s first report.
          </EmptyState>
        </Card>
      )}
    </div>
  );
}
