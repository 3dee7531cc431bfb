// Built once: `toLocaleString` with options builds a formatter on every call, which was 5% of a
// GPU selection's CPU time (the planner writes every candidate's cost).
const CENTS = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const TWO_SIGNIFICANT = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumSignificantDigits: 2,
  maximumSignificantDigits: 2,
});

/**
 * The one way Koi writes an amount of US dollars: the dashboard, and the planner's and API's sentences:
 *
 * - from $1 up: whole cents, with thousands separators — "$1,234.56", "$16.35";
 * - below $1: two significant digits, so small amounts keep their size — "$0.50", "$0.42",
 *   "$0.042", "$0.0042" (an hourly rate of a tenth of a cent is not "$0.00");
 * - zero is "$0.00"; a negative amount keeps its sign in front — "-$3.20".
 *
 * Amounts that round up to a dollar ($0.996) are written as dollars ("$1.00"), never "$1.0".
 */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  return (abs === 0 || abs >= 0.995 ? CENTS : TWO_SIGNIFICANT).format(value);
}

/** A rate in dollars per hour, written as formatUsd writes dollars: "$16.35/h", "$0.042/h". */
export function formatUsdPerHour(value: number): string {
  return `${formatUsd(value)}/h`;
}
