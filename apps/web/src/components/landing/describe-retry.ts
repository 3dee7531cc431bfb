/** "Try again in 42 minutes (at 14:32)." — relative for reading, absolute so it stays true. */
export function describeRetry(retryAt: Date, now = new Date()): string {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  const [n, unit] =
    seconds < 90
      ? [seconds, "second"]
      : seconds < 5400
        ? [Math.ceil(seconds / 60), "minute"]
        : [Math.round(seconds / 3600), "hour"];
  const relative = `${n} ${unit}${n === 1 ? "" : "s"}`;
  const at = retryAt.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return `Try again in ${relative} (at ${at}).`;
}
