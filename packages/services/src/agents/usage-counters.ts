import type { TUsageLine } from "@koi/contracts/agent/reports";

/**
 * The highest cumulative usage seen per component of an assignment's engine job, and the epoch of
 * the last report applied (stored on the assignment). Deltas are taken against it, not against the
 * previous report, so a report that leaves a component out and a later one that brings it back do
 * not count it twice. The counters outlive an epoch: a fence raises the epoch of the same engine
 * job, whose usage stays cumulative.
 */
export type TUsageCounters = { epoch: number; lines: TUsageLine[]; billed?: Record<string, TBilled> };

/** What has been billed for one usage line (by `usageKey`) of the assignment so far. */
export type TBilled = { seconds: number; costUsd: number };

export type TUsageDelta = {
  component: TUsageLine["component"];
  gpuType: string | null;
  seconds: number;
  requests: number | null;
  costUsd: number;
};

/** One counter per component and GPU type. */
export const usageKey = (u: { component: string; gpuType?: string | null }) => `${u.component}|${u.gpuType ?? ""}`;

/** The stored counters, and the epoch of the report that wrote them (none before the first report). */
export function lastCounters(stored: unknown): { epoch: number | undefined; lines: TUsageLine[] } {
  const value = stored as Partial<TUsageCounters> | null;
  return {
    epoch: typeof value?.epoch === "number" ? value.epoch : undefined,
    lines: value && Array.isArray(value.lines) ? value.lines : [],
  };
}

/**
 * What each line has billed so far, kept beside the counters so bounding what is billed reads no
 * usage rows on every report (counters written before the totals were kept start from nothing).
 */
export function billedTotals(stored: unknown): Map<string, TBilled> {
  return new Map(Object.entries((stored as Partial<TUsageCounters> | null)?.billed ?? {}));
}

/** The billed totals after `deltas`, to store with the counters. */
export function addBilled(billed: Map<string, TBilled>, deltas: TUsageDelta[]): Record<string, TBilled> {
  const next = Object.fromEntries(billed);
  for (const d of deltas) {
    const b = next[usageKey(d)] ?? { seconds: 0, costUsd: 0 };
    next[usageKey(d)] = { seconds: b.seconds + d.seconds, costUsd: b.costUsd + d.costUsd };
  }
  return next;
}

/**
 * What `current` adds to `seen`, and the counters after it. A component absent from `current`
 * keeps its last value. A counter that went down means the engine restarted and counts from zero
 * again (Prometheus' counter-reset rule), so its whole current value is new usage.
 */
export function usageDeltas(seen: TUsageLine[], current: TUsageLine[]): { deltas: TUsageDelta[]; next: TUsageLine[] } {
  const counters = new Map(seen.map((u) => [usageKey(u), u]));
  const deltas: TUsageDelta[] = [];
  for (const u of current) {
    const key = usageKey(u);
    const p = counters.get(key);
    const reset = p !== undefined && (u.seconds < p.seconds || u.costUsd < p.costUsd);
    const base = p && !reset ? p : undefined;
    const delta: TUsageDelta = {
      component: u.component,
      gpuType: u.gpuType ?? null,
      seconds: Math.max(0, u.seconds - (base?.seconds ?? 0)),
      requests: u.requests === undefined ? null : Math.max(0, u.requests - (base?.requests ?? 0)),
      costUsd: Math.max(0, u.costUsd - (base?.costUsd ?? 0)),
    };
    if (delta.seconds > 0 || delta.costUsd > 0 || (delta.requests ?? 0) > 0) deltas.push(delta);
    counters.set(key, u);
  }
  return { deltas, next: [...counters.values()] };
}
