import type { TDecisionKind } from "@koi/contracts/workloads/workloads";
import { formatNumber } from "@/lib/format";

/** One x position of the forecast chart; ms since the epoch on x, requests completed on y. */
type TForecastDatum = { t: number; completed?: number; band?: [number, number]; p50?: number };
type TForecastMarker = { t: number; y: number; kind: TDecisionKind; label: string };

// The initial plan starts the chart; every later decision is a marker on it.
const MARKER_LABELS: Partial<Record<TDecisionKind, string>> = {
  scale_up: "scaled up",
  scale_down: "scaled down",
  swap: "swapped GPUs",
  failover: "failed over",
  rebalance_pause: "paused",
  rebalance_resume: "resumed",
  replan: "replanned",
};

/** Requests done at `t` on the straight line from (t0, c0) to (t1, total), held at `total` after. */
function along(t: number, t0: number, c0: number, t1: number, total: number): number {
  if (t1 <= t0) return total;
  return Math.min(total, c0 + ((total - c0) * (t - t0)) / (t1 - t0));
}

/**
 * The chart's series: completed requests so far (one point per forecast run), then from the latest
 * point a P10–P90 band and a P50 line running to the total at each forecast finish; and a marker
 * where Koi scaled, swapped, paused or replanned.
 */
export function buildForecastSeries(input: {
  points: readonly { at: Date; completed: number; total: number }[];
  forecast: { p10: string | null; p50: string | null; p90: string | null } | null;
  decisions: readonly { kind: TDecisionKind; createdAt: Date }[];
  steps?: number;
}): { data: TForecastDatum[]; markers: TForecastMarker[]; total: number } {
  const points = [...input.points].sort((a, b) => a.at.getTime() - b.at.getTime());
  const data: TForecastDatum[] = points.map((p) => ({ t: p.at.getTime(), completed: p.completed }));
  const last = points.at(-1);
  const total = last?.total ?? 0;
  const f = input.forecast;
  if (last && f?.p10 && f.p90 && last.completed < total) {
    const t0 = last.at.getTime();
    const t10 = Date.parse(f.p10);
    const t90 = Date.parse(f.p90);
    const t50 = f.p50 ? Date.parse(f.p50) : (t10 + t90) / 2;
    const end = Math.max(t10, t50, t90);
    const steps = input.steps ?? 24;
    data[data.length - 1] = { ...data[data.length - 1]!, band: [last.completed, last.completed], p50: last.completed };
    for (let i = 1; i <= steps; i++) {
      const t = t0 + ((end - t0) * i) / steps;
      data.push({
        t,
        band: [along(t, t0, last.completed, t90, total), along(t, t0, last.completed, t10, total)],
        p50: along(t, t0, last.completed, t50, total),
      });
    }
  }
  const markers: TForecastMarker[] = [];
  for (const d of input.decisions) {
    const label = MARKER_LABELS[d.kind];
    if (!label || !points.length) continue;
    const t = d.createdAt.getTime();
    const before = points.filter((p) => p.at.getTime() <= t).at(-1) ?? points[0]!;
    markers.push({ t, y: before.completed, kind: d.kind, label });
  }
  return { data, markers, total };
}

/** A clock time as the forecast chart labels its axis (the viewer's time zone unless given). */
export function clockTime(ms: number, timeZone?: string): string {
  return new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone });
}

/** The forecast chart in one sentence, for people who cannot see it. */
export function describeForecast(
  input: {
    points: readonly { at: Date; completed: number; total: number }[];
    forecast: { p10: string | null; p50: string | null; p90: string | null } | null;
    deadlineAt: string | null;
  },
  timeZone?: string,
): string {
  const last = input.points.at(-1);
  const clock = (iso: string) => clockTime(Date.parse(iso), timeZone);
  const parts = [
    last
      ? `${formatNumber(last.completed)} of ${formatNumber(last.total)} requests done at ${clockTime(last.at.getTime(), timeZone)}`
      : "No progress reported yet",
  ];
  const f = input.forecast;
  if (f?.p50 && last && last.completed < last.total)
    parts.push(
      `forecast to finish at ${clock(f.p50)}${f.p10 && f.p90 ? ` (80% likely between ${clock(f.p10)} and ${clock(f.p90)})` : ""}`,
    );
  if (input.deadlineAt) parts.push(`deadline ${clock(input.deadlineAt)}`);
  return `${parts.join("; ")}.`;
}

/** At most `max` of the points, evenly spread and always with the first and the latest, for the chart's table. */
export function samplePoints<T>(points: readonly T[], max = 24): T[] {
  if (points.length <= max) return [...points];
  const picked = new Set<number>();
  for (let i = 0; i < max; i++) picked.add(Math.round((i * (points.length - 1)) / (max - 1)));
  return [...picked].map((i) => points[i]!);
}
