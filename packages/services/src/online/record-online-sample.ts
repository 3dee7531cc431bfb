import type { TOnlineSample } from "@koi/contracts/agent/online-sample";
import type { Tx } from "@koi/db";

/**
 * Stores one report's online sample (inside `recordReport`'s transaction): the service's time
 * series. `costUsd` is the report's spend increase; per engine hour it is the interval's $/h.
 * A replayed sample (same assignment and engine time) is skipped.
 */
export async function recordOnlineSample(
  tx: Tx,
  row: { orgId: string; workloadId: string; assignmentId: string; at: Date; sample: TOnlineSample; costUsd: number },
): Promise<void> {
  const s = row.sample;
  await tx.onlineSample.createMany({
    data: [
      {
        orgId: row.orgId,
        workloadId: row.workloadId,
        assignmentId: row.assignmentId,
        at: row.at,
        engineAt: new Date(s.t),
        intervalSeconds: s.intervalSeconds,
        requestsPerSecond: s.requestsPerSecond,
        inputTokensPerSecond: s.inputTokensPerSecond,
        outputTokensPerSecond: s.outputTokensPerSecond,
        ttftP95Ms: s.ttftP95Ms,
        tpotP95Ms: s.tpotP95Ms,
        e2eP95Ms: s.e2eP95Ms,
        running: s.running,
        waiting: s.waiting,
        kvCacheUsage: s.kvCacheUsage,
        pctSpot: s.pctSpot,
        rejected: s.rejected,
        spotReplicas: s.spotReplicas,
        spotGpuType: s.spotGpuType ?? null,
        serverlessConcurrency: s.serverlessConcurrency,
        costPerHour: (row.costUsd / s.intervalSeconds) * 3600,
      },
    ],
    skipDuplicates: true,
  });
}
