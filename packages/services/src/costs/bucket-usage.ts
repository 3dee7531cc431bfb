export const USAGE_COMPONENTS = ["spot", "serverless", "on-demand", "reserved", "on-prem", "router"] as const;
export type TUsageComponentName = (typeof USAGE_COMPONENTS)[number];
export type TBucketSize = "hour" | "day";
export type TUsageBucket = { start: Date; totalUsd: number } & Record<TUsageComponentName, number>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Start of the UTC hour or day that holds `at`. */
export function bucketStart(at: Date, size: TBucketSize): Date {
  const step = size === "hour" ? HOUR : DAY;
  return new Date(Math.floor(at.getTime() / step) * step);
}

/** Hourly buckets up to two days, daily beyond: enough points for a chart, never thousands. */
export function chooseBucketSize(from: Date, to: Date): TBucketSize {
  return to.getTime() - from.getTime() <= 2 * DAY ? "hour" : "day";
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
  const step = opts.size === "hour" ? HOUR : DAY;
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
