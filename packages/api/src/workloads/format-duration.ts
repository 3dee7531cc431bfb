/** "2h05m", "14m", "40s": how far apart two moments are, for statusDetail and reasons. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "∞";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
