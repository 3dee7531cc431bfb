/** A stored sample as the service page draws it. */
export type TSamplePoint = {
  at: Date;
  requestsPerSecond: number;
  tokensPerSecond: number;
  ttftP95Ms: number | null;
  tpotP95Ms: number | null;
  spotReplicas: number | null;
  /** The spot service the replicas belong to (null: the agent runs one). */
  spotGpuType: string | null;
  pctSpot: number;
  serverlessConcurrency: number | null;
  costPerHour: number;
};

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Latency keeps the worst of a bucket: averaging would hide the breach a reader looks for. */
const worst = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : null;
};

/**
 * At most `max` points, oldest first: consecutive samples are merged into equal buckets (rates and
 * cost averaged, latency and replicas at their bucket's worst / last), so a day of 15-second
 * reports stays a chart, not 5,760 dots.
 */
export function downsampleSamples(samples: readonly TSamplePoint[], max = 240): TSamplePoint[] {
  if (samples.length <= max) return [...samples];
  const size = Math.ceil(samples.length / max);
  const out: TSamplePoint[] = [];
  for (let i = 0; i < samples.length; i += size) {
    const b = samples.slice(i, i + size);
    const last = b.at(-1)!;
    out.push({
      at: last.at,
      requestsPerSecond: mean(b.map((s) => s.requestsPerSecond)),
      tokensPerSecond: mean(b.map((s) => s.tokensPerSecond)),
      ttftP95Ms: worst(b.map((s) => s.ttftP95Ms)),
      tpotP95Ms: worst(b.map((s) => s.tpotP95Ms)),
      spotReplicas: last.spotReplicas,
      spotGpuType: last.spotGpuType,
      pctSpot: mean(b.map((s) => s.pctSpot)),
      serverlessConcurrency: last.serverlessConcurrency,
      costPerHour: mean(b.map((s) => s.costPerHour)),
    });
  }
  return out;
}
