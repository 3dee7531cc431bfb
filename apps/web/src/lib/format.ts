// Money has one rule, shared with the planner's and the API's sentences: see @koi/catalog/format-usd.
export { formatUsd, formatUsdPerHour } from "@koi/catalog/format-usd";

/** "45 min", "2 h 05 min", "3.2 days". */
export function formatHours(hours: number): string {
  if (!Number.isFinite(hours)) return "—";
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) {
    const h = Math.floor(hours);
    const m = Math.round((hours - h) * 60);
    return m === 0 ? `${h} h` : m === 60 ? `${h + 1} h` : `${h} h ${String(m).padStart(2, "0")} min`;
  }
  return `${(hours / 24).toFixed(1)} days`;
}

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: digits });
}

export function formatPct(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** GPU-seconds as GPU-hours, the unit people bill in. */
export function formatGpuHours(seconds: number): string {
  return `${formatNumber(seconds / 3600, 1)} GPU-h`;
}
