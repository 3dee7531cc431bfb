"use client";

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, GRID_OPACITY, GRID_STROKE } from "@/components/charts/chart-theme";
import { MARKET_COLORS } from "@/components/charts/market-colors";
import { formatUsd } from "@/lib/format";
import { bucketLabel, type TBucketSize, type TSpendComponent, type TSpendDatum } from "./spend-series";

/** Spend per bucket, stacked by where the GPUs ran. Loaded only when it scrolls into view. */
export function SpendChart({
  data,
  components,
  size,
  domain,
}: {
  data: TSpendDatum[];
  components: readonly TSpendComponent[];
  size: TBucketSize;
  domain: [number, number];
}) {
  const tick = (ms: number) => {
    const label = bucketLabel(ms, size);
    return size === "day" ? label : label.slice(label.indexOf(", ") + 2);
  };
  return (
    <ResponsiveContainer width="100%" height="100%">
      <AreaChart data={data} margin={{ top: 8, right: 16, left: 8, bottom: 0 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} strokeOpacity={GRID_OPACITY} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={domain}
          tickFormatter={tick}
          tick={AXIS_TICK}
          minTickGap={24}
        />
        <YAxis tickFormatter={(v: number) => formatUsd(v)} tick={AXIS_TICK} width={64} />
        <Tooltip
          labelFormatter={(v) => `${bucketLabel(Number(v), size)} UTC`}
          formatter={(v, name) => [formatUsd(Number(v)), String(name)]}
        />
        <Legend />
        {components.map((k) => (
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
  );
}
