import { AppError, notFound } from "@koi/core/app-error";
import { prisma, type Prisma } from "@koi/db";

export type TUsage = { component: string; gpuType?: string | null; seconds: number; requests?: number | null; costUsd: number };
export type TReport = {
  epoch: number;
  seq: number;
  at: string | Date;
  progress?: { completed: number; total: number } | null;
  metrics?: Record<string, unknown> | null;
  usage?: TUsage[] | null;
};

/**
 * Idempotent by (assignment, epoch, seq): a replay returns `duplicate` and changes nothing.
 * A report from an older epoch than the assignment's is refused with 409 before any write.
 * Usage is per report (a delta), so exactly-once storage keeps cost totals exact.
 */
export async function recordReport(orgId: string, assignmentId: string, report: TReport) {
  return prisma.$transaction(async (tx) => {
    // Row lock: two reports of one assignment are applied one after the other.
    const rows = await tx.$queryRaw<{ id: string; epoch: number; agentId: string }[]>`
      SELECT id, epoch, "agentId" FROM "Assignment" WHERE id = ${assignmentId} AND "orgId" = ${orgId} FOR UPDATE`;
    const assignment = rows[0];
    if (!assignment) throw notFound("No such assignment.");
    if (report.epoch < assignment.epoch) {
      throw new AppError("CONFLICT", `Stale epoch ${report.epoch}; the assignment is at epoch ${assignment.epoch}.`);
    }
    if (report.epoch > assignment.epoch) throw new AppError("BAD_REQUEST", `Unknown epoch ${report.epoch}.`);
    const existing = await tx.assignmentReport.findUnique({ where: { assignmentId_epoch_seq: { assignmentId, epoch: report.epoch, seq: report.seq } } });
    if (existing) return { duplicate: true };

    const at = new Date(report.at);
    await tx.assignmentReport.create({
      data: { orgId, assignmentId, epoch: report.epoch, seq: report.seq, at, data: report as unknown as Prisma.InputJsonValue },
    });
    const usage = report.usage ?? [];
    if (usage.length) {
      await tx.usageRecord.createMany({
        data: usage.map((u) => ({ orgId, agentId: assignment.agentId, assignmentId, component: u.component, gpuType: u.gpuType ?? null, seconds: u.seconds, requests: u.requests ?? null, costUsd: u.costUsd, at })),
      });
    }
    const cost = usage.reduce((sum, u) => sum + u.costUsd, 0);
    await tx.assignment.update({
      where: { id: assignmentId },
      data: {
        lastSeq: report.seq,
        costUsd: { increment: cost },
        ...(report.progress ? { progressDone: report.progress.completed, progressTotal: report.progress.total } : {}),
        ...(report.metrics ? { latestMetrics: report.metrics as Prisma.InputJsonValue } : {}),
      },
    });
    return { duplicate: false };
  });
}
