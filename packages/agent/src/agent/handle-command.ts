import { ZCommand, ZId, type TCommand } from "@koi/contracts";
import { isEndedAssignmentState } from "@koi/contracts/primitives";
import type { TExecuteResult } from "../adapters/types.ts";
import type { TAssignmentRecord } from "../state/agent-state.ts";
import type { TAgentContext } from "./agent-context.ts";

/** Still holds its engine object: not ended here, and not revoked by Koi (a stale epoch). */
const isLive = (a: TAssignmentRecord) => !a.finalReported && !isEndedAssignmentState(a.state);

/** Leases are compared with the agent's clock; allow a little skew before calling one expired. */
const LEASE_GRACE_MS = 5_000;

/**
 * Validates one command from the long-poll. A command this agent version cannot parse is rejected
 * by ack (when its ids are readable) instead of being dropped, so the server learns why.
 */
export async function handleRawCommand(ctx: TAgentContext, raw: unknown): Promise<void> {
  const parsed = ZCommand.safeParse(raw);
  if (parsed.success) return handleCommand(ctx, parsed.data);
  const r = (raw ?? {}) as Record<string, unknown>;
  const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  if (
    ZId.safeParse(r.commandId).success &&
    ZId.safeParse(r.assignmentId).success &&
    Number.isSafeInteger(r.epoch) &&
    (r.epoch as number) >= 0
  ) {
    await ctx.enqueueAck(
      { commandId: r.commandId as string, assignmentId: r.assignmentId as string, epoch: r.epoch as number },
      "rejected",
      `invalid command: ${issues}`,
    );
    return;
  }
  ctx.logger.error("dropping an unreadable command", { issues });
}

async function execute(
  ctx: TAgentContext,
  command: TCommand,
  assignment: TAssignmentRecord | undefined,
): Promise<TExecuteResult & { adapter?: "orca" | "tuna" }> {
  const adapter = assignment
    ? ctx.adapters.find((a) => a.kind === assignment.adapter)
    : command.type === "deploy"
      ? ctx.adapters.find((a) => a.acceptsDeploy(command))
      : undefined;
  if (!adapter)
    return {
      status: "rejected",
      detail: assignment
        ? `this agent has no ${assignment.adapter} adapter`
        : command.type === "deploy"
          ? `no adapter here runs ${command.payload.workload.kind} workloads`
          : "unknown assignment",
    };
  const exclusive = command.type === "deploy" ? adapter.exclusiveEngineRef : undefined;
  const holder = exclusive
    ? Object.values(ctx.state.data.assignments).find(
        (a) => a.engineRef === exclusive && a.assignmentId !== command.assignmentId && isLive(a),
      )
    : undefined;
  if (holder)
    return {
      status: "rejected",
      detail: `${holder.engineRef} already serves assignment ${holder.assignmentId}${holder.workload ? ` (${holder.workload.model})` : ""}; it fronts one deployment: run another engine and agent for this workload`,
    };
  const prior = ctx.state.data.commands[command.commandId];
  if (command.type === "deploy" && prior?.status === "executing" && adapter.recoverInterruptedDeploy) {
    const owned = (ref: string) => ctx.state.assignmentByEngineRef(ref) !== undefined;
    const recovered = await adapter.recoverInterruptedDeploy(command, prior.at, owned).catch(() => null);
    if (recovered) return { ...recovered, adapter: adapter.kind };
  }
  try {
    return { ...(await adapter.execute(command, assignment)), adapter: adapter.kind };
  } catch (error) {
    return { status: "failed", detail: `engine call failed: ${(error as Error).message}`, adapter: adapter.kind };
  }
}

/**
 * Runs a command at most once per commandId: a redelivered command that already finished is only
 * re-acked (same Idempotency-Key, so the server sees a duplicate). Stale epochs and expired leases
 * are rejected without touching the engine.
 */
export function handleCommand(ctx: TAgentContext, command: TCommand): Promise<void> {
  return ctx.lockAssignment(command.assignmentId, () => handleCommandLocked(ctx, command));
}

async function handleCommandLocked(ctx: TAgentContext, command: TCommand): Promise<void> {
  const { state } = ctx;
  const prior = state.data.commands[command.commandId];
  if (prior && prior.status !== "executing") {
    await ctx.enqueueAck(command, prior.status, prior.detail, prior.engineRef);
    return;
  }
  const assignment = state.data.assignments[command.assignmentId];
  if (assignment && command.epoch < assignment.epoch) {
    await ctx.enqueueAck(
      command,
      "rejected",
      `stale epoch ${command.epoch}: this agent holds epoch ${assignment.epoch}`,
    );
    return;
  }
  if (Date.parse(command.leaseExpiresAt) + LEASE_GRACE_MS < ctx.nowMs()) {
    await ctx.enqueueAck(
      command,
      "rejected",
      `lease expired at ${command.leaseExpiresAt} before the agent could start it`,
    );
    return;
  }
  if (!assignment && command.type !== "deploy") {
    await ctx.enqueueAck(command, "rejected", "unknown assignment: deploy it first");
    return;
  }

  await ctx.enqueueAck(command, "accepted", `${command.type} received`);
  state.data.commands[command.commandId] = {
    status: "executing",
    detail: "",
    assignmentId: command.assignmentId,
    epoch: command.epoch,
    at: prior?.at ?? new Date(ctx.nowMs()).toISOString(),
  };
  await state.save();

  const result = await execute(ctx, command, assignment);
  if (result.outcomeUnknown) {
    // Stay "executing": the redelivered command will look for what this attempt may have created.
    ctx.logger.warn("command outcome unknown; waiting for redelivery", {
      commandId: command.commandId,
      detail: result.detail,
    });
    return;
  }
  const now = new Date(ctx.nowMs()).toISOString();
  if (result.status === "completed" && command.type === "deploy" && result.adapter) {
    state.data.assignments[command.assignmentId] = {
      assignmentId: command.assignmentId,
      epoch: command.epoch,
      adapter: result.adapter,
      engineRef: result.engineRef ?? null,
      state: result.state ?? "deploying",
      decisionId: command.payload.decisionId,
      workload: command.payload.workload,
      placement: command.payload.placement,
      adapterState: result.adapterState ?? {},
      nextSeq: assignment && assignment.epoch === command.epoch ? assignment.nextSeq : 0,
      finalReported: false,
      updatedAt: now,
    };
  } else if (assignment && result.status === "completed") {
    // A newer epoch means the assignment was re-claimed: its report sequence starts again.
    if (command.epoch > assignment.epoch) assignment.nextSeq = 0;
    Object.assign(assignment, {
      epoch: command.epoch,
      state: result.state ?? assignment.state,
      adapterState: result.adapterState ?? assignment.adapterState,
      engineRef: result.engineRef ?? assignment.engineRef,
      finalReported: false,
      updatedAt: now,
    });
  }
  state.data.commands[command.commandId] = {
    status: result.status,
    detail: result.detail,
    ...(result.engineRef ? { engineRef: result.engineRef } : {}),
    assignmentId: command.assignmentId,
    epoch: command.epoch,
    at: now,
  };
  await state.save();
  await ctx.enqueueAck(command, result.status, result.detail, result.engineRef);
  ctx.logger.info("command done", {
    commandId: command.commandId,
    type: command.type,
    status: result.status,
    detail: result.detail,
  });
}
