import { enqueueViaOutbox } from "@koi/core/outbox";
import type { Tx, Workload } from "@koi/db";

/**
 * Queues the org's "at risk" notification for a workload (batch deadline or online SLO), in the
 * caller's transaction. `jobId` decides how often it can be sent again.
 */
export function notifyAtRisk(tx: Tx, workload: Workload, message: string, jobId: string): Promise<void> {
  return enqueueViaOutbox(
    tx,
    "notify-org",
    {
      notificationKey: `slo_at_risk-${workload.id}`,
      orgId: workload.orgId,
      kind: "slo_at_risk",
      workloadId: workload.id,
      message,
    },
    { jobId, orgId: workload.orgId },
  );
}
