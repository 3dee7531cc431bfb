import { formatUsd } from "@/lib/format";

export const SPEND_COMPONENTS = ["spot", "serverless", "on-demand", "reserved", "on-prem", "router"] as const;
export type TSpendComponent = (typeof SPEND_COMPONENTS)[number];
export type TBucketSize = "minute" | "hour" | "day";
export type TSpendBucket = { start: Date; totalUsd: number } & Record<TSpendComponent, number>;
export type TSpendDatum = { t: number } & Record<TSpendComponent, number>;

const WORD: Record<TBucketSize, string> = { minute: "minute", hour: "hour", day: "day" };

/** A bucket's start as the chart, its table and its summary write it, in UTC like the buckets. */
export function bucketLabel(ms: number, size: TBucketSize): string {
  const d = new Date(ms);
  if (size === "day") return d.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
  const time = d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
  return `${d.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" })}, ${time}`;
}

/**
 * The stacked step chart's points: one per bucket, and a last one at `to` repeating the last
 * bucket, so the bucket that is still filling (today, this hour) is drawn as wide as it has run
 * instead of as a vertical line on the right edge.
 */
export function spendChartData(buckets: readonly TSpendBucket[], to: Date): TSpendDatum[] {
  const data = buckets.map((b) => {
    const d = { t: b.start.getTime() } as TSpendDatum;
    for (const c of SPEND_COMPONENTS) d[c] = b[c];
    return d;
  });
  const last = data.at(-1);
  if (last && last.t < to.getTime()) data.push({ ...last, t: to.getTime() });
  return data;
}

/** The chart in one sentence, for people who cannot see it. */
export function describeSpend(c: {
  buckets: readonly TSpendBucket[];
  bucket: TBucketSize;
  chartFrom: Date;
  to: Date;
}): string {
  const total = c.buckets.reduce((s, b) => s + b.totalUsd, 0);
  const from = bucketLabel(c.chartFrom.getTime(), c.bucket);
  const to = bucketLabel(c.to.getTime(), c.bucket === "day" ? "hour" : c.bucket);
  const peak = c.buckets.reduce<TSpendBucket | null>((p, b) => (!p || b.totalUsd > p.totalUsd ? b : p), null);
  const spent = c.buckets.filter((b) => b.totalUsd > 0).length;
  if (!peak || total === 0) return `No spend from ${from} to ${to} (UTC).`;
  return (
    `${formatUsd(total)} spent from ${from} to ${to} (UTC), in ${spent} of ${c.buckets.length} ${WORD[c.bucket]}s; ` +
    `the most in one ${WORD[c.bucket]} was ${formatUsd(peak.totalUsd)}, at ${bucketLabel(peak.start.getTime(), c.bucket)}.`
  );
}
