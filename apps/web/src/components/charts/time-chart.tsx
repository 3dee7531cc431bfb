"use client";

import type { ComponentProps, ReactNode } from "react";
import { CartesianGrid, ComposedChart, Legend, ResponsiveContainer, Tooltip, XAxis } from "recharts";
import { clockTime } from "@/components/workloads/forecast-series";
import { AXIS_TICK, GRID_OPACITY, GRID_STROKE } from "./chart-theme";
import { timeTicks } from "./time-ticks";

/**
 * The time axis, grid, tooltip and legend the workload charts share; `extraXs` widens the axis to
 * times with no data point yet (a deadline). Series and the y-axis come in as children.
 */
export function TimeChart({
  data,
  extraXs = [],
  formatter,
  children,
}: {
  data: { t: number }[];
  extraXs?: number[];
  formatter?: ComponentProps<typeof Tooltip>["formatter"];
  children: ReactNode;
}) {
  const xs = data.map((d) => d.t).concat(extraXs);
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
        <Tooltip labelFormatter={(v) => new Date(Number(v)).toLocaleString()} formatter={formatter} />
        <Legend />
        {children}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
