import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@koi/api";
import { formatNumber } from "@/lib/format";

export type TOnlineView = NonNullable<inferRouterOutputs<AppRouter>["workloads"]["get"]["online"]>;

/** One x position of the request-rate chart: observed rate, or the forecast's P50 and P10–P90 band. */
export type TRateDatum = { t: number; observed?: number; p50?: number; band?: [number, number] };

/**
 * Observed request rate (one point per sample) followed by the forecast: each forecast hour drawn
 * at its start and end, so the band steps hour by hour from where the reports stop.
 */
export function buildRateSeries(view: Pick<TOnlineView, "samples" | "forecast">): TRateDatum[] {
  const data: TRateDatum[] = view.samples.map((s) => ({ t: s.at.getTime(), observed: s.requestsPerSecond }));
  for (const p of view.forecast?.points ?? []) {
    for (const t of [p.start.getTime(), p.end.getTime() - 1]) data.push({ t, p50: p.p50, band: [p.p10, p.p90] });
  }
  return data.sort((a, b) => a.t - b.t);
}

/** One x position of the replicas chart: spot replicas under one key per spot service, and the serverless share. */
export type TReplicaDatum = { t: number; serverless: number } & Record<string, number | null>;

/**
 * Spot replicas split by the spot service (GPU type) that ran them, so a move between GPU types
 * shows as one line ending and another starting; samples from an agent with one service share
 * the key `spot`. `lines` lists the keys in the order they first appear, with their labels.
 */
export function buildReplicaSeries(view: Pick<TOnlineView, "samples">): {
  data: TReplicaDatum[];
  lines: { key: string; name: string }[];
} {
  const lines: { key: string; name: string }[] = [];
  const data = view.samples.map((s) => {
    const key = s.spotGpuType ? `spot ${s.spotGpuType}` : "spot";
    if (!lines.some((l) => l.key === key))
      lines.push({ key, name: s.spotGpuType ? `Spot replicas (${s.spotGpuType})` : "Spot replicas" });
    return { t: s.at.getTime(), serverless: 100 - s.pctSpot, [key]: s.spotReplicas } as TReplicaDatum;
  });
  return { data, lines };
}

/** Room above a target line so it does not sit on the chart's top edge. */
const TARGET_HEADROOM = 1.1;

/**
 * A latency axis from 0 to the larger of the data and the target (with headroom): fitted to the
 * data alone, a service well inside its target would push the target's dashed line off the chart.
 */
export function targetAxisDomain(target: number): [number, (dataMax: number) => number] {
  return [0, (dataMax) => Math.max(Number.isFinite(dataMax) ? dataMax : 0, target * TARGET_HEADROOM)];
}

/** "3" or "3 × L40S": spot replicas, with their GPU type when the agent runs more than one service. */
export function spotReplicasLabel(s: { spotReplicas: number | null; spotGpuType: string | null }): string {
  if (s.spotReplicas === null) return "—";
  return s.spotGpuType ? `${s.spotReplicas} × ${s.spotGpuType}` : String(s.spotReplicas);
}

/** The service in one sentence, for people who cannot see the charts. */
export function describeService(view: TOnlineView): string {
  const last = view.samples.at(-1);
  if (!last)
    return `No reports yet: Koi sized the service for the submitted ${formatNumber(view.expectedRps, 1)} req/s.`;
  const next = view.forecast?.points[0];
  const latency = [
    last.ttftP95Ms !== null
      ? `TTFT p95 ${formatNumber(last.ttftP95Ms)} ms (target ${formatNumber(view.targets.ttftP95Ms)})`
      : null,
    last.tpotP95Ms !== null
      ? `TPOT p95 ${formatNumber(last.tpotP95Ms)} ms (target ${formatNumber(view.targets.tpotP95Ms)})`
      : null,
  ].filter(Boolean);
  return [
    `${formatNumber(last.requestsPerSecond, 1)} req/s now`,
    next
      ? `forecast next hour ${formatNumber(next.p50, 1)} req/s (P10–P90 ${formatNumber(next.p10, 1)}–${formatNumber(next.p90, 1)})`
      : null,
    latency.length ? latency.join(", ") : null,
    last.spotReplicas !== null
      ? `${last.spotReplicas} spot ${last.spotGpuType ? `${last.spotGpuType} ` : ""}replicas, ${formatNumber(100 - last.pctSpot)}% of requests on serverless`
      : null,
  ]
    .filter(Boolean)
    .join("; ")
    .concat(".");
}

/** Every `n`-th sample for the data tables (the newest always in). */
export function tableRows<T>(rows: readonly T[], max = 24): T[] {
  if (rows.length <= max) return [...rows];
  const step = rows.length / max;
  const picked = Array.from({ length: max - 1 }, (_, i) => rows[Math.floor(i * step)]!);
  return [...picked, rows.at(-1)!];
}
