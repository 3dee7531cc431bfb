export const USAGE_COMPONENTS = ["spot", "serverless", "on-demand", "reserved", "on-prem", "router"] as const;
export type TUsageComponentName = (typeof USAGE_COMPONENTS)[number];
export type TBucketSize = "minute" | "hour" | "day";
export type TUsageBucket = { start: Date; totalUsd: number } & Record<TUsageComponentName, number>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEP: Record<TBucketSize, number> = { minute: MINUTE, hour: HOUR, day: DAY };

/** Start of the UTC minute, hour or day that holds `at`. */
export function bucketStart(at: Date, size: TBucketSize): Date {
  const step = STEP[size];
  return new Date(Math.floor(at.getTime() / step) * step);
}

/** Minutes up to two hours, hours up to two days, days beyond: enough points for a chart, never thousands. */
export function chooseBucketSize(from: Date, to: Date): TBucketSize {
  const span = to.getTime() - from.getTime();
  return span <= 2 * HOUR ? "minute" : span <= 2 * DAY ? "hour" : "day";
}

/** The shortest stretch a chart shows, so a first minute of spend is not the whole chart. */
const MIN_CHART_SPAN = HOUR;

/**
 * Where the spend chart starts and how wide its buckets are: from the selected range's start, or
 * later, from the first spend in it (at least an hour back). A new org's first half hour of spend
 * is drawn in minutes across the chart, not as one day-wide bucket on the right edge of an empty week.
 */
export function chooseChartWindow(
  records: readonly { at: Date }[],
  range: { from: Date; to: Date },
): { from: Date; size: TBucketSize } {
  let first = records.length ? Number.POSITIVE_INFINITY : range.from.getTime();
  for (const r of records) first = Math.min(first, r.at.getTime());
  const start = Math.max(range.from.getTime(), Math.min(first, range.to.getTime() - MIN_CHART_SPAN));
  const size = chooseBucketSize(new Date(start), range.to);
  return { from: bucketStart(new Date(start), size), size };
}

function emptyBucket(start: Date): TUsageBucket {
  return { start, totalUsd: 0, spot: 0, serverless: 0, "on-demand": 0, reserved: 0, "on-prem": 0, router: 0 };
}

const isComponent = (c: string): c is TUsageComponentName => (USAGE_COMPONENTS as readonly string[]).includes(c);

/**
 * Spend per bucket, stacked by component, with every bucket in [from, to) present (zeros where
 * nothing ran) so a chart's time axis has no gaps. Unknown components count towards the total only.
 */
export function bucketUsage(
  records: readonly { at: Date; component: string; costUsd: number }[],
  opts: { from: Date; to: Date; size: TBucketSize },
): TUsageBucket[] {
  const step = STEP[opts.size];
  const buckets = new Map<number, TUsageBucket>();
  for (let t = bucketStart(opts.from, opts.size).getTime(); t < opts.to.getTime(); t += step)
    buckets.set(t, emptyBucket(new Date(t)));
  for (const r of records) {
    if (r.at < opts.from || r.at >= opts.to) continue;
    const bucket = buckets.get(bucketStart(r.at, opts.size).getTime());
    if (!bucket) continue;
    if (isComponent(r.component)) bucket[r.component] += r.costUsd;
    bucket.totalUsd += r.costUsd;
  }
  return [...buckets.values()];
}
