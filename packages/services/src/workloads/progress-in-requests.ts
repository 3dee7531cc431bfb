import type { TProgress } from "@koi/contracts/agent/reports";

/**
 * A report's progress in requests. Orca counts finished chunks, while an assignment made for a
 * workload counts requests (its total is set at dispatch): chunk progress is scaled to it.
 */
export function progressInRequests(progress: TProgress, requestsTotal: number): number {
  return progress.unit === "chunks" && progress.total && requestsTotal > 0
    ? (progress.completed / progress.total) * requestsTotal
    : progress.completed;
}
