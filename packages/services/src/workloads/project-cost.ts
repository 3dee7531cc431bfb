const HOUR_MS = 3_600_000;
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * $/h of what the workload runs on now: each live assignment's replicas × its per-replica price, so
 * after a scale-up it is the new size that counts (the placement is rewritten when Koi scales).
 * Null when no live placement carries a price.
 */
export function currentCostPerHour(live: readonly { placement: unknown }[]): number | null {
  let total: number | null = null;
  for (const a of live) {
    const p = obj(a.placement);
    const perReplica = num(p.replicaCostPerHour);
    if (perReplica === null) continue;
    total = (total ?? 0) + perReplica * (num(p.replicas) ?? num(p.count) ?? 1);
  }
  return total;
}

/**
 * What a batch workload will have cost when it finishes: what it has spent, plus its current
 * $/h until the forecast's P50 finish. Without a current price or a forecast: the spend so far
 * scaled to the whole job once 5% is done (enough to trust the rate), else the plan's figure.
 * Online services have no finish: null.
 */
export function projectCost(
  w: {
    kind: string;
    costUsd: number;
    progressDone: number;
    progressTotal: number;
    predictedCostUsd: number | null;
    forecast: unknown;
  },
  perHour: number | null,
  now: Date,
): number | null {
  if (w.kind !== "batch") return null;
  const p50 = Date.parse(String(obj(w.forecast).p50 ?? ""));
  if (perHour !== null && Number.isFinite(p50))
    return w.costUsd + (perHour * Math.max(0, p50 - now.getTime())) / HOUR_MS;
  if (w.progressTotal > 0 && w.progressDone / w.progressTotal >= 0.05)
    return w.costUsd / (w.progressDone / w.progressTotal);
  return w.predictedCostUsd;
}
