import { notFound } from "@koi/core/app-error";
import { prisma, type Prisma, type Tx } from "@koi/db";
import { publishCommandWakeup } from "./command-wakeups.ts";

export const commandTypes = ["deploy", "scale", "swap", "set_routing", "pause", "resume", "stop"] as const;
export type TCommandType = (typeof commandTypes)[number];

/**
 * Writes a command for an assignment, stamped with the assignment's current epoch. Call inside
 * the transaction that made the decision; wake the agent after commit with `publishCommandWakeup`.
 */
export async function writeCommand(tx: Tx, input: { orgId: string; assignmentId: string; type: TCommandType; payload: Prisma.InputJsonValue }) {
  const assignment = await tx.assignment.findFirst({ where: { id: input.assignmentId, orgId: input.orgId } });
  if (!assignment) throw notFound("No such assignment.");
  return tx.command.create({
    data: { orgId: input.orgId, agentId: assignment.agentId, assignmentId: assignment.id, type: input.type, payload: input.payload, epoch: assignment.epoch },
  });
}

export async function issueCommand(input: Parameters<typeof writeCommand>[1]) {
  const command = await prisma.$transaction((tx) => writeCommand(tx, input));
  await publishCommandWakeup(command.agentId);
  return command;
}
