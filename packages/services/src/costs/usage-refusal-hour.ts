const HOUR_MS = 3_600_000;

/** The hour (UTC) a refused report is tallied in: its start, the `UsageRefusal` row's `hour`. */
export function usageRefusalHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}
