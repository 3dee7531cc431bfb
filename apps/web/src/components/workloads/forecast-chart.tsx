"use client";

import { Area, Line, ReferenceDot, ReferenceLine, YAxis } from "recharts";
import { AXIS_TICK } from "@/components/charts/chart-theme";
import { TimeChart } from "@/components/charts/time-chart";
import { formatNumber } from "@/lib/format";
import { buildForecastSeries } from "./forecast-series";

/**
 * Completed requests over time, the P10–P90 finish band and P50 line, the deadline, and Koi's
 * actions. Loaded only when it scrolls into view.
 */
export function ForecastChart(props: Parameters<typeof buildForecastSeries>[0] & { deadlineAt: string | null }) {
  const { data, markers, total } = buildForecastSeries(props);
  const deadline = props.deadlineAt ? Date.parse(props.deadlineAt) : null;
  return (
    <TimeChart
      data={data}
      extraXs={deadline ? [deadline] : []}
      formatter={(value, name) => [
        Array.isArray(value)
          ? `${formatNumber(Number(value[0]))}–${formatNumber(Number(value[1]))} requests`
          : `${formatNumber(Number(value))} requests`,
        String(name),
      ]}
    >
      <YAxis
        domain={[0, Math.max(total, 1)]}
        tickFormatter={(v: number) => formatNumber(v)}
        tick={AXIS_TICK}
        label={{ value: "requests", angle: -90, position: "insideLeft", fontSize: 12, fill: "currentColor" }}
      />
      <Area
        dataKey="band"
        name="P10–P90 forecast"
        fill="#f26b1d"
        fillOpacity={0.15}
        stroke="none"
        isAnimationActive={false}
        connectNulls
      />
      <Line
        dataKey="p50"
        name="P50 forecast"
        stroke="#f26b1d"
        strokeDasharray="5 4"
        dot={false}
        isAnimationActive={false}
        connectNulls
      />
      <Line
        dataKey="completed"
        name="Completed"
        stroke="#0f766e"
        strokeWidth={2}
        dot={false}
        isAnimationActive={false}
        connectNulls
      />
      {deadline ? (
        <ReferenceLine
          x={deadline}
          stroke="#dc2626"
          strokeDasharray="4 2"
          label={{ value: "deadline", position: "insideTopRight", fill: "#dc2626", fontSize: 12 }}
        />
      ) : null}
      {markers.map((m, i) => (
        <ReferenceDot
          key={i}
          x={m.t}
          y={m.y}
          r={5}
          fill="#2563eb"
          stroke="white"
          label={{ value: m.label, position: "top", fontSize: 11, fill: "currentColor" }}
        />
      ))}
    </TimeChart>
  );
}
