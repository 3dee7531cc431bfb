import type { TAssignmentReport } from "@koi/contracts/agent/reports";
import type { Tx, Workload } from "@koi/db";
import { estimateBetweenChunks } from "./estimate-between-chunks.ts";
import { progressInRequests } from "./progress-in-requests.ts";
import { readSpec } from "./read-stored-json.ts";

/**
 * Requests an assignment has likely finished beyond the engine's last chunk count, from the output
 * tokens/s of `report` since that count changed (the first report of this epoch showing it).
 * 0 when the engine counts requests itself, reports no throughput, or the work is not a batch job.
 */
export async function requestsSinceCount(
  tx: Tx,
  workload: Workload,
  assignmentId: string,
  report: TAssignmentReport,
): Promise<number> {
  const progress = report.progress;
  const outputTokensPerSecond = report.throughput?.outputTokensPerSecond ?? 0;
  if (report.state !== "running" || progress?.unit !== "chunks" || !progress.total || outputTokensPerSecond <= 0)
    return 0;
  const spec = readSpec(workload);
  if (spec.kind !== "batch") return 0;
  const assignment = await tx.assignment.findUnique({ where: { id: assignmentId }, select: { progressTotal: true } });
  if (!assignment || assignment.progressTotal <= 0) return 0;
  const [since] = await tx.$queryRaw<{ at: Date | null }[]>`
    SELECT min(at) AS at FROM "AssignmentReport"
    WHERE "assignmentId" = ${assignmentId} AND epoch = ${report.epoch}
      AND (data->'progress'->>'completed')::float8 = ${progress.completed}`;
  if (!since?.at) return 0;
  const counted = progressInRequests(progress, assignment.progressTotal);
  const estimated = estimateBetweenChunks({
    countedRequests: counted,
    chunkRequests: assignment.progressTotal / progress.total,
    secondsSinceCount: (Date.parse(report.at) - since.at.getTime()) / 1000,
    outputTokensPerSecond,
    avgOutputTokens: spec.avgOutputTokens,
  });
  return estimated - counted;
}
