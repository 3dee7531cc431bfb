import type { TWorkloadStatus } from "@koi/contracts/workloads/workloads";

export type TBatchPlaceholders = {
  /** Label of the stat that shows the P50 forecast while the workload runs, and when it ended after. */
  finishLabel: string;
  noForecast: { title: string; body: string };
  noMetrics: string;
};

// How an ended workload ended: its end time's label, and the verb of "The workload … before …".
const ENDED: Partial<Record<TWorkloadStatus, { label: string; verb: string }>> = {
  COMPLETED: { label: "Finished", verb: "finished" },
  FAILED: { label: "Failed", verb: "failed" },
  CANCELLED: { label: "Cancelled", verb: "was cancelled" },
};

/**
 * What a batch workload's page says where a forecast or engine metrics are missing. While it can
 * still report, that they are coming; once it ended they never will, so say why they are missing
 * instead of promising them (and label its end time as its end, not as a forecast).
 */
export function batchPlaceholders(status: TWorkloadStatus, ranOnEngine: boolean): TBatchPlaceholders {
  const ended = ENDED[status];
  if (!ended)
    return {
      finishLabel: "Forecast finish (P50)",
      noForecast: {
        title: "No forecast yet",
        body: "Koi forecasts the finish every few seconds once the engine reports progress.",
      },
      noMetrics:
        "The engine's tokens/s, GPU utilisation, batch size and KV-cache hit rate appear with its first report.",
    };
  const before = (what: string) =>
    ranOnEngine
      ? `The workload ${ended.verb} before the engine reported ${what}.`
      : `The workload ${ended.verb} before it ran on an engine.`;
  return {
    finishLabel: ended.label,
    noForecast: { title: "No forecast", body: before("progress") },
    noMetrics: before("metrics"),
  };
}
