// Self-calibration: engines report the throughput they really achieved; we keep a robust estimate of
// observed ÷ predicted per (model, GPU, TP) and multiply future predictions by it. The table is a
// plain value: callers persist it (per org) and pass it back in; nothing here mutates its input.

export type TCalibrationEntry = {
  /** Most recent log(observed ÷ raw predicted) ratios, oldest first. */
  logRatios: number[];
  /** Reports ever received (the window keeps only the last WINDOW). */
  reports: number;
  factor: number;
};

export type TCalibrationTable = { version: 1; entries: Record<string, TCalibrationEntry> };

export type TCalibrationKey = { model: string; gpu: string; tp: number };

/** Enough history to ride out a bad run, short enough to follow a driver or engine upgrade. */
const WINDOW = 15;
/** Ratios beyond 5× either way are measurement errors (a crashed replica, a unit mix-up). */
const MAX_ABS_LOG = Math.log(5);

export function emptyCalibration(): TCalibrationTable {
  return { version: 1, entries: {} };
}

export function calibrationKey(key: TCalibrationKey): string {
  return `${key.model}|${key.gpu}|${key.tp}`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * The median in log space is robust to a wild report; a prior pseudo-report of "model is right"
 * (log ratio 0) halves the effect of the very first report, and is out-voted from the second on.
 */
function estimate(logRatios: readonly number[]): number {
  return Math.exp(median([0, ...logRatios]));
}

export function recordObservation(
  table: TCalibrationTable,
  observation: TCalibrationKey & { observedTokensPerSecond: number; predictedTokensPerSecond: number },
): TCalibrationTable {
  const { observedTokensPerSecond: observed, predictedTokensPerSecond: predicted } = observation;
  if (!(observed > 0) || !(predicted > 0)) return table;
  const key = calibrationKey(observation);
  const previous = table.entries[key];
  const logRatio = Math.max(-MAX_ABS_LOG, Math.min(MAX_ABS_LOG, Math.log(observed / predicted)));
  const logRatios = [...(previous?.logRatios ?? []), logRatio].slice(-WINDOW);
  const entry: TCalibrationEntry = { logRatios, reports: (previous?.reports ?? 0) + 1, factor: estimate(logRatios) };
  return { version: 1, entries: { ...table.entries, [key]: entry } };
}

/** Multiplier for the raw model's throughput (1 when nothing has been observed). */
export function correctionFactor(table: TCalibrationTable | undefined, key: TCalibrationKey): number {
  return table?.entries[calibrationKey(key)]?.factor ?? 1;
}
