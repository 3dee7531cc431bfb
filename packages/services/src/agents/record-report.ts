import type { TAssignmentReport, TUsageRefusal } from "@koi/contracts/agent/reports";
import { AppError, notFound } from "@koi/core/app-error";
import { prisma, type Prisma, type Tx } from "@koi/db";
import { recordOnlineSample } from "../online/record-online-sample.ts";
import { applyReportToWorkload } from "../workloads/apply-report-to-workload.ts";
import { progressInRequests } from "../workloads/progress-in-requests.ts";
import { lockWorkload } from "../workloads/lock-rows.ts";
import { usageDollars, usageRefusals } from "@koi/core/metrics/koi-metrics";
import { TERMINAL_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { recordAudit } from "@koi/core/audit";
import { env } from "@koi/core/env";
import { logger } from "@koi/core/logger";
import { addBilled, billedTotals, lastCounters, usageDeltas, type TBilled } from "./usage-counters.ts";
import { screenUsage, usageBounds } from "./usage-plausibility.ts";
import { usageRefusalHour } from "../costs/usage-refusal-hour.ts";

/** Progress in the assignment's own unit (requests for a workload's assignment; see `progressInRequests`). */
function progressUpdate(progress: TAssignmentReport["progress"], requestsTotal: number) {
  if (!progress) return {};
  if (progress.unit === "chunks" && progress.total && requestsTotal > 0)
    return { progressDone: progressInRequests(progress, requestsTotal) };
  return { progressDone: progress.completed, progressTotal: progress.total ?? 0 };
}

/**
 * The report's usage lines that could be true, and why the others cannot (usage-plausibility.ts).
 * A refused line is left out as if the report had not carried it: nothing is billed for it and its
 * counter keeps the last figure billed, so once the agent reports believable figures again the
 * deltas start from there. Every refused report is tallied per assignment and hour, where the
 * Costs page finds it; only the first of an hour is audited, since an agent with a unit bug is
 * refused on every report and would bury the audit log.
 */
async function plausibleUsage(
  tx: Tx,
  orgId: string,
  assignment: { id: string; agentId: string; createdAt: Date },
  lines: TAssignmentReport["usage"],
  seen: TAssignmentReport["usage"],
  billed: Map<string, TBilled>,
) {
  if (!lines.length) return { usage: lines, refused: [] };
  const pools = await tx.gpuPool.findMany({
    where: { orgId, agentId: assignment.agentId },
    select: { total: true, pricePerGpuHour: true },
  });
  const now = new Date();
  const bounds = usageBounds(pools, assignment.createdAt, now, env().KOI_USAGE_TIME_SCALE);
  const { accepted, refused } = screenUsage({ lines, seen, billed, bounds });
  if (refused.length) {
    logger.warn({ orgId, assignmentId: assignment.id, refused }, "usage refused as implausible");
    for (const r of refused) usageRefusals.inc({ component: r.component });
    const reason = refused.map((r) => r.reason).join("; ");
    const hour = usageRefusalHour(now);
    const tally = await tx.usageRefusal.upsert({
      where: { assignmentId_hour: { assignmentId: assignment.id, hour } },
      create: {
        orgId,
        assignmentId: assignment.id,
        agentId: assignment.agentId,
        hour,
        reports: 1,
        latestAt: now,
        latestReason: reason,
      },
      update: { reports: { increment: 1 }, latestAt: now, latestReason: reason },
    });
    if (tally.reports === 1)
      await recordAudit(tx, {
        orgId,
        action: "usage.refused",
        targetType: "assignment",
        targetId: assignment.id,
        data: { agentId: assignment.agentId, refused },
      });
  }
  return { usage: accepted, refused };
}

/**
 * Idempotent by (assignment, epoch, seq): a replay returns `duplicate` and changes nothing.
 * A report from an older epoch than the assignment's is refused with 409 before any write.
 * A late report (seq below the newest of its epoch) is kept for the record but moves no totals,
 * since the newer cumulative figures already include it; the agent starts its sequence again when
 * the epoch rises (a fence), so the first report of a new epoch is never late.
 * A lost assignment was fenced (a replan or a swap raised its epoch and sent a stop): its reports
 * still bring the cost the engine ran up, and may end it (stopped, completed, failed), but no longer
 * move its progress, bring it back to a live state, or move the workload's state: the replan owns
 * the rest of the work.
 */
export async function recordReport(orgId: string, assignmentId: string, report: TAssignmentReport) {
  return prisma.$transaction(async (tx) => {
    // Lock order (workloads/lock-rows.ts): the workload first, then the assignment.
    const owner = await tx.assignment.findFirst({ where: { id: assignmentId, orgId }, select: { workloadId: true } });
    if (owner?.workloadId) await lockWorkload(tx, owner.workloadId);
    // Row lock: reports of one assignment are applied one after the other.
    const rows = await tx.$queryRaw<
      {
        id: string;
        epoch: number;
        agentId: string;
        state: TAssignmentReport["state"];
        lastSeq: number;
        progressTotal: number;
        usageCounters: unknown;
        createdAt: Date;
      }[]
    >`
      SELECT id, epoch, "agentId", state, "lastSeq", "progressTotal", "usageCounters", "createdAt" FROM "Assignment" WHERE id = ${assignmentId} AND "orgId" = ${orgId} FOR UPDATE`;
    const assignment = rows[0];
    if (!assignment) throw notFound("No such assignment.");
    if (report.epoch < assignment.epoch) {
      throw new AppError("CONFLICT", `Stale epoch ${report.epoch}; the assignment is at epoch ${assignment.epoch}.`, {
        publicCode: "stale_epoch",
      });
    }
    if (report.epoch > assignment.epoch)
      throw new AppError(
        "BAD_REQUEST",
        `Unknown epoch ${report.epoch}; the assignment is at epoch ${assignment.epoch}.`,
      );
    const existing = await tx.assignmentReport.findUnique({
      where: { assignmentId_epoch_seq: { assignmentId, epoch: report.epoch, seq: report.seq } },
    });
    if (existing)
      return {
        accepted: true,
        duplicate: true,
        ...(existing.usageRefused ? { usageRefused: existing.usageRefused as TUsageRefusal[] } : {}),
      };

    const at = new Date(report.at);
    const last = lastCounters(assignment.usageCounters);
    const billed = billedTotals(assignment.usageCounters);
    const late = (last.epoch ?? report.epoch) === report.epoch && report.seq < assignment.lastSeq;
    // A late report's usage is not screened: its newer cumulative figures are already in.
    const { usage, refused } = late
      ? { usage: [], refused: [] }
      : await plausibleUsage(tx, orgId, assignment, report.usage, last.lines, billed);
    await tx.assignmentReport.create({
      data: {
        orgId,
        assignmentId,
        epoch: report.epoch,
        seq: report.seq,
        at,
        data: report as unknown as Prisma.InputJsonValue,
        // Kept so that a replay of this report gets the same answer.
        ...(refused.length ? { usageRefused: refused as Prisma.InputJsonValue } : {}),
      },
    });
    if (late) return { accepted: true, duplicate: false };

    const fenced = assignment.state === "lost";
    const counters = usageDeltas(last.lines, usage);
    const deltas = counters.deltas;
    const costUsd = deltas.reduce((sum, d) => sum + d.costUsd, 0);
    if (deltas.length) {
      await tx.usageRecord.createMany({
        data: deltas.map((d) => ({ orgId, agentId: assignment.agentId, assignmentId, at, ...d })),
      });
      usageDollars.inc(costUsd);
    }
    const { usage: _usage, ...metrics } = report;
    await tx.assignment.update({
      where: { id: assignmentId },
      data: {
        lastSeq: report.seq,
        usageCounters: {
          epoch: report.epoch,
          lines: counters.next,
          billed: addBilled(billed, deltas),
        } as unknown as Prisma.InputJsonValue,
        ...(!fenced || TERMINAL_ASSIGNMENT_STATES.includes(report.state) ? { state: report.state } : {}),
        costUsd: { increment: costUsd },
        ...(fenced ? {} : progressUpdate(report.progress, assignment.progressTotal)),
        latestMetrics: metrics as unknown as Prisma.InputJsonValue,
      },
    });
    if (owner?.workloadId && report.online && !fenced)
      await recordOnlineSample(tx, {
        orgId,
        workloadId: owner.workloadId,
        assignmentId,
        at,
        sample: report.online,
        costUsd,
      });
    if (owner?.workloadId) await applyReportToWorkload(tx, owner.workloadId, assignmentId, report, { fenced });
    return { accepted: true, duplicate: false, ...(refused.length ? { usageRefused: refused } : {}) };
  });
}
