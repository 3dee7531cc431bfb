"use client";

import { Area, Line, ReferenceLine, YAxis } from "recharts";
import { AXIS_TICK } from "@/components/charts/chart-theme";
import { TimeChart } from "@/components/charts/time-chart";
import { formatNumber, formatUsdPerHour } from "@/lib/format";
import { buildRateSeries, buildReplicaSeries, targetAxisDomain, type TOnlineView } from "./online-series";

const BRAND = "#f26b1d";
const TEAL = "#0f766e";
const BLUE = "#2563eb";
const RED = "#dc2626";

const yLabel = (value: string, position: "insideLeft" | "insideRight" = "insideLeft") => ({
  value,
  angle: position === "insideLeft" ? -90 : 90,
  position,
  fontSize: 12,
  fill: "currentColor",
});

/** Request rate reported, and the forecast's P50 with its P10–P90 band for the coming hours. */
export function RateChart({ view }: { view: TOnlineView }) {
  const data = buildRateSeries(view);
  return (
    <TimeChart data={data}>
      <YAxis tickFormatter={(v: number) => formatNumber(v, 1)} tick={AXIS_TICK} label={yLabel("req/s")} />
      <Area
        dataKey="band"
        name="P10–P90 forecast"
        fill={BRAND}
        fillOpacity={0.15}
        stroke="none"
        isAnimationActive={false}
      />
      <Line
        dataKey="p50"
        name="P50 forecast"
        stroke={BRAND}
        strokeDasharray="5 4"
        dot={false}
        isAnimationActive={false}
      />
      <Line dataKey="observed" name="Observed" stroke={TEAL} strokeWidth={2} dot={false} isAnimationActive={false} />
    </TimeChart>
  );
}

/** TTFT and TPOT p95 per report interval against the service's targets (dashed). */
export function LatencyChart({ view }: { view: TOnlineView }) {
  const data = view.samples.map((s) => ({ t: s.at.getTime(), ttft: s.ttftP95Ms, tpot: s.tpotP95Ms }));
  return (
    <TimeChart data={data}>
      <YAxis
        yAxisId="ttft"
        domain={targetAxisDomain(view.targets.ttftP95Ms)}
        tick={AXIS_TICK}
        label={yLabel("TTFT ms")}
      />
      <YAxis
        yAxisId="tpot"
        orientation="right"
        domain={targetAxisDomain(view.targets.tpotP95Ms)}
        tick={AXIS_TICK}
        label={yLabel("TPOT ms", "insideRight")}
      />
      <ReferenceLine yAxisId="ttft" y={view.targets.ttftP95Ms} stroke={TEAL} strokeDasharray="4 2" />
      <ReferenceLine yAxisId="tpot" y={view.targets.tpotP95Ms} stroke={BLUE} strokeDasharray="4 2" />
      <Line
        yAxisId="ttft"
        dataKey="ttft"
        name="TTFT p95"
        stroke={TEAL}
        dot={false}
        isAnimationActive={false}
        connectNulls
      />
      <Line
        yAxisId="tpot"
        dataKey="tpot"
        name="TPOT p95"
        stroke={BLUE}
        dot={false}
        isAnimationActive={false}
        connectNulls
      />
    </TimeChart>
  );
}

/** Line colours of the spot services, in the order they first served. */
const SPOT_COLOURS = [TEAL, BLUE, "#7c3aed", "#b45309"];

/** Spot replicas SkyServe ran (one line per spot service) and the share of requests the router sent to serverless. */
export function ReplicasChart({ view }: { view: TOnlineView }) {
  const { data, lines } = buildReplicaSeries(view);
  return (
    <TimeChart data={data}>
      <YAxis yAxisId="n" allowDecimals={false} tick={AXIS_TICK} label={yLabel("replicas")} />
      <YAxis
        yAxisId="pct"
        orientation="right"
        domain={[0, 100]}
        tick={AXIS_TICK}
        label={yLabel("% serverless", "insideRight")}
      />
      <Area
        yAxisId="pct"
        dataKey="serverless"
        name="Requests on serverless (%)"
        fill={BRAND}
        fillOpacity={0.15}
        stroke={BRAND}
        type="stepAfter"
        isAnimationActive={false}
      />
      {lines.map((line, i) => (
        <Line
          key={line.key}
          yAxisId="n"
          dataKey={line.key}
          name={line.name}
          stroke={SPOT_COLOURS[i % SPOT_COLOURS.length]}
          strokeWidth={2}
          type="stepAfter"
          dot={false}
          isAnimationActive={false}
          // One service's line stops where another's starts: a gap there is the move, not missing data.
          connectNulls={lines.length === 1}
        />
      ))}
    </TimeChart>
  );
}

/** What the service cost per hour, interval by interval. */
export function CostChart({ view }: { view: TOnlineView }) {
  const data = view.samples.map((s) => ({ t: s.at.getTime(), cost: s.costPerHour }));
  return (
    <TimeChart data={data}>
      <YAxis tickFormatter={(v: number) => formatUsdPerHour(v)} tick={AXIS_TICK} width={72} />
      {view.plan ? <ReferenceLine y={view.plan.costPerHour} stroke={RED} strokeDasharray="4 2" /> : null}
      <Line dataKey="cost" name="Cost ($/h)" stroke={TEAL} dot={false} isAnimationActive={false} />
    </TimeChart>
  );
}
