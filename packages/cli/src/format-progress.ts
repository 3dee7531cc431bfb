import type { TWorkloadView } from "@koi/contracts";

const money = (v: number) => `$${v.toFixed(2)}`;

/** `[████████░░░░░░░░]  42.0%` — width in cells; a fraction outside [0, 1] is clamped. */
export function progressBar(fraction: number, width = 30): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `[${"█".repeat(full)}${"░".repeat(width - full)}] ${(f * 100).toFixed(1).padStart(5)}%`;
}

/** `1h 12m`, `4m 05s`, `overdue 3m`. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const s = Math.floor((abs % 60_000) / 1000);
  const text = h > 0 ? `${h}h ${String(m).padStart(2, "0")}m` : `${m}m ${String(s).padStart(2, "0")}s`;
  return ms < 0 ? `overdue ${text}` : text;
}

const clock = (iso: string) => new Date(iso).toISOString().slice(11, 16);

/** The lines `koi status` prints for one workload at `nowMs`. */
export function formatStatus(w: TWorkloadView, nowMs: number): string[] {
  const lines = [
    `${w.id}  ${w.name}`,
    `status ${w.status} · health ${w.health}${w.engine ? ` · engine ${w.engine}` : ""}`,
  ];
  if (w.statusDetail) lines.push(`  ${w.statusDetail}`);
  if (w.kind === "batch") {
    const { completed, total, estimated } = w.progress;
    // Between Orca's chunk counts Koi estimates progress from the tokens generated: marked with ≈.
    const done = estimated ?? completed;
    lines.push(
      `${progressBar(total > 0 ? done / total : 0)}  ${estimated === null ? "" : "≈ "}${Math.round(done).toLocaleString("en-US")}/${Math.round(total).toLocaleString("en-US")} requests`,
    );
  }
  const eta: string[] = [];
  if (w.forecast?.p50 && w.status !== "COMPLETED") {
    const band =
      w.forecast.p10 && w.forecast.p90 ? `, P10–P90 ${clock(w.forecast.p10)}–${clock(w.forecast.p90)} UTC` : "";
    eta.push(`ETA ${formatDuration(Date.parse(w.forecast.p50) - nowMs)} (P50 ${clock(w.forecast.p50)} UTC${band})`);
  }
  if (w.deadlineAt)
    eta.push(`deadline ${clock(w.deadlineAt)} UTC (${formatDuration(Date.parse(w.deadlineAt) - nowMs)} left)`);
  const cost = [`cost ${money(w.costUsd)}`];
  if (w.predictedCostUsd !== null) cost.push(`predicted ${money(w.predictedCostUsd)}`);
  if (w.budgetUsd !== null) cost.push(`budget ${money(w.budgetUsd)}`);
  lines.push([...eta, cost.join(", ")].join(" · "));
  if (w.forecast?.missProbability !== null && w.forecast?.missProbability !== undefined)
    lines.push(`chance of missing the deadline ${(w.forecast.missProbability * 100).toFixed(0)}%`);
  if (w.forecast?.explanation) lines.push(w.forecast.explanation);
  return lines;
}
