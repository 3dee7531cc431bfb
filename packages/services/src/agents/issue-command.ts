import { ZCommand, type TCommand } from "@koi/contracts/agent/commands";
import { notFound } from "@koi/core/app-error";
import { commandsIssued } from "@koi/core/metrics/koi-metrics";
import { currentTraceparent } from "@koi/core/tracing/trace-context";
import { prisma, type Prisma, type Tx } from "@koi/db";
import { publishCommandWakeup } from "./command-wakeups.ts";

type TCommandInput = {
  [K in TCommand["type"]]: { type: K; payload: Extract<TCommand, { type: K }>["payload"] };
}[TCommand["type"]];

/**
 * Writes a command for an assignment, stamped with the assignment's current epoch. Call inside
 * the transaction that made the decision; wake the agent after commit with `publishCommandWakeup`.
 */
export async function writeCommand(tx: Tx, input: { orgId: string; assignmentId: string } & TCommandInput) {
  const assignment = await tx.assignment.findFirst({ where: { id: input.assignmentId, orgId: input.orgId } });
  if (!assignment) throw notFound("No such assignment.");
  // The payload must be what the protocol promises agents; check before it is stored.
  ZCommand.parse({
    type: input.type,
    commandId: "check",
    assignmentId: assignment.id,
    epoch: assignment.epoch,
    leaseExpiresAt: new Date().toISOString(),
    payload: input.payload,
  });
  const command = await tx.command.create({
    data: {
      orgId: input.orgId,
      agentId: assignment.agentId,
      assignmentId: assignment.id,
      type: input.type,
      payload: input.payload as Prisma.InputJsonValue,
      epoch: assignment.epoch,
      traceparent: currentTraceparent(),
    },
  });
  commandsIssued.inc({ type: input.type });
  return command;
}

export async function issueCommand(input: Parameters<typeof writeCommand>[1]) {
  const command = await prisma.$transaction((tx) => writeCommand(tx, input));
  await publishCommandWakeup(command.agentId);
  return command;
}
