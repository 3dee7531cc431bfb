/** "2h45m", "48m", "3d4h": compact enough for a decision line, exact to the minute. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "never";
  const sign = seconds < 0 ? "−" : "";
  const minutes = Math.round(Math.abs(seconds) / 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return `${sign}${d}d${h ? `${h}h` : ""}`;
  if (h > 0) return `${sign}${h}h${m ? String(m).padStart(2, "0") + "m" : ""}`;
  return `${sign}${m}m`;
}
