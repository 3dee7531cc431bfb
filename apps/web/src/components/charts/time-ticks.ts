const MINUTE = 60_000;
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * MINUTE);

/**
 * A time axis that is labelled to its end: a round step (1 minute … 1 week) giving at most `maxTicks`
 * labels, and the domain widened to whole steps on both sides, so the last label is at or after
 * the last thing drawn (a deadline) instead of stopping hours before it, as recharts' own ticks did.
 */
export function timeTicks(start: number, end: number, maxTicks = 8): { domain: [number, number]; ticks: number[] } {
  const aligned = (step: number) => {
    const from = Math.floor(start / step) * step;
    return { step, from, to: Math.max(Math.ceil(end / step) * step, from + step) };
  };
  const { step, from, to } =
    STEPS.map(aligned).find((a) => (a.to - a.from) / a.step + 1 <= maxTicks) ?? aligned(STEPS.at(-1)!);
  const ticks: number[] = [];
  for (let t = from; t <= to; t += step) ticks.push(t);
  return { domain: [from, to], ticks };
}
