"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, GRID_OPACITY, GRID_STROKE } from "@/components/charts/chart-theme";
import { MARKET_COLORS, OTHER_COLOR } from "@/components/charts/market-colors";
import type { gpuMixRows } from "./gpu-mix-rows";

/** GPUs in use, one bar per GPU type stacked by market. Loaded only when it scrolls into view. */
export function GpuMixChart({ mix }: { mix: ReturnType<typeof gpuMixRows> }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={mix.rows} layout="vertical" margin={{ left: 8, right: 16 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke={GRID_STROKE} strokeOpacity={GRID_OPACITY} />
        <XAxis
          type="number"
          allowDecimals={false}
          tick={AXIS_TICK}
          label={{ value: "GPUs", position: "insideBottomRight", offset: -4, fontSize: 12, fill: "currentColor" }}
        />
        <YAxis type="category" dataKey="gpuType" tick={AXIS_TICK} width={90} />
        <Tooltip formatter={(v, name) => [`${v} GPUs`, String(name)]} />
        <Legend />
        {mix.markets.map((m) => (
          <Bar
            key={m}
            dataKey={m}
            stackId="gpus"
            maxBarSize={36}
            fill={MARKET_COLORS[m] ?? OTHER_COLOR}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
