const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** "in 7 days", "3 hours ago": the largest unit that fits, rounded (a 7-day link just made reads "in 7 days"). */
export function formatRelative(date: Date, now: Date = new Date(), locale = "en"): string {
  const seconds = (date.getTime() - now.getTime()) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === "second") return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, "second");
}

/**
 * "in 1 h 37 min", "2 days 3 h ago": to the minute, in at most two units, for times people compare
 * with each other (a forecast finish against its deadline), where formatRelative would say
 * "in 2 hours" for both 1 h 37 min and 1 h 50 min. Under half a minute it is formatRelative's.
 */
export function formatRelativePrecise(date: Date, now: Date = new Date()): string {
  const minutes = Math.round((date.getTime() - now.getTime()) / 60_000);
  if (minutes === 0) return formatRelative(date, now);
  const abs = Math.abs(minutes);
  const days = Math.floor(abs / 1440);
  const hours = Math.floor((abs % 1440) / 60);
  const mins = abs % 60;
  const parts = days
    ? [`${days} ${days === 1 ? "day" : "days"}`, hours ? `${hours} h` : ""]
    : [hours ? `${hours} h` : "", mins ? `${mins} min` : ""];
  const span = parts.filter(Boolean).join(" ");
  return minutes > 0 ? `in ${span}` : `${span} ago`;
}
