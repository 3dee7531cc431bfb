import { AGENT_PROTOCOL_PATHS, ENDED_ASSIGNMENT_STATES, ZAssignmentReport } from "@koi/contracts";
import type { TAssignmentRecord } from "../state/agent-state.ts";
import type { TAgentContext } from "./agent-context.ts";

/**
 * Polls one assignment's engine and spools the report. The report seq is saved before the report
 * is spooled, so a crash can skip a seq but never reuse one (Koi treats a repeated seq as a no-op).
 */
export function reportAssignment(
  ctx: TAgentContext,
  a: TAssignmentRecord,
  engineHealth: (reachable: boolean, error: string | null) => Promise<void>,
): Promise<void> {
  return ctx.lockAssignment(a.assignmentId, () => reportLocked(ctx, a, engineHealth));
}

async function reportLocked(
  ctx: TAgentContext,
  a: TAssignmentRecord,
  engineHealth: (reachable: boolean, error: string | null) => Promise<void>,
): Promise<void> {
  const adapter = ctx.adapters.find((x) => x.kind === a.adapter);
  if (!adapter) return;
  let result;
  try {
    result = await adapter.poll(a);
    await engineHealth(true, null);
  } catch (error) {
    ctx.logger.warn("engine poll failed", { assignmentId: a.assignmentId, error: (error as Error).message });
    await engineHealth(false, (error as Error).message);
    return;
  }
  const report = { epoch: a.epoch, seq: a.nextSeq, at: new Date(ctx.nowMs()).toISOString(), ...result.report };
  const checked = ZAssignmentReport.safeParse(report);
  if (!checked.success) {
    ctx.logger.error("report does not fit the protocol; not sent", {
      assignmentId: a.assignmentId,
      issues: checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    });
    return;
  }
  a.nextSeq += 1;
  a.state = report.state;
  a.adapterState = result.adapterState ?? a.adapterState;
  a.updatedAt = report.at;
  if (ENDED_ASSIGNMENT_STATES.includes(report.state)) a.finalReported = true;
  await ctx.state.save();
  await ctx.spool.append({
    kind: "report",
    pathTemplate: AGENT_PROTOCOL_PATHS.reports,
    params: { assignmentId: a.assignmentId },
    body: checked.data,
    idempotencyKey: `report:${a.assignmentId}:${a.epoch}:${report.seq}`,
  });
  if (result.events?.length) await ctx.enqueueEvents(result.events);
}
