"use client";

import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceDot,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { AXIS_TICK, GRID_OPACITY, GRID_STROKE } from "@/components/charts/chart-theme";
import { timeTicks } from "@/components/charts/time-ticks";
import { formatNumber } from "@/lib/format";
import { buildForecastSeries, clockTime } from "./forecast-series";

/**
 * Completed requests over time, the P10–P90 finish band and P50 line, the deadline, and Koi's
 * actions. Loaded only when it scrolls into view.
 */
export function ForecastChart(props: Parameters<typeof buildForecastSeries>[0] & { deadlineAt: string | null }) {
  const { data, markers, total } = buildForecastSeries(props);
  const deadline = props.deadlineAt ? Date.parse(props.deadlineAt) : null;
  const xs = data.map((d) => d.t).concat(deadline ? [deadline] : []);
  const { domain, ticks } = timeTicks(Math.min(...xs), Math.max(...xs));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={data} margin={{ top: 16, right: 16, bottom: 0, left: 8 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} strokeOpacity={GRID_OPACITY} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={domain}
          ticks={ticks}
          interval={0}
          tickFormatter={(ms: number) => clockTime(ms)}
          tick={AXIS_TICK}
        />
        <YAxis
          domain={[0, Math.max(total, 1)]}
          tickFormatter={(v: number) => formatNumber(v)}
          tick={AXIS_TICK}
          label={{ value: "requests", angle: -90, position: "insideLeft", fontSize: 12, fill: "currentColor" }}
        />
        <Tooltip
          labelFormatter={(v) => new Date(Number(v)).toLocaleString()}
          formatter={(value, name) => [
            Array.isArray(value)
              ? `${formatNumber(Number(value[0]))}–${formatNumber(Number(value[1]))} requests`
              : `${formatNumber(Number(value))} requests`,
            String(name),
          ]}
        />
        <Legend />
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
      </ComposedChart>
    </ResponsiveContainer>
  );
}
