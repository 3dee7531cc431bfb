import type { TAckRequest } from "@koi/contracts/agent/ack";
import { AppError, notFound } from "@koi/core/app-error";
import { prisma } from "@koi/db";

export type TAck = Pick<TAckRequest, "status"> & { epoch?: number; detail?: string | null; engineRef?: string | null };

const TERMINAL = new Set(["COMPLETED", "REJECTED", "FAILED", "CANCELLED"]);

/**
 * Records the agent's answer to a command. A command issued under an older epoch than its
 * assignment now has is stale: 409 and nothing written (the agent should drop it). Acking the
 * same terminal status again is a no-op, so retries are safe.
 */
export async function ackCommand(orgId: string, agentId: string, commandId: string, ack: TAck) {
  return prisma.$transaction(async (tx) => {
    const command = await tx.command.findFirst({ where: { id: commandId, orgId, agentId }, include: { assignment: { select: { epoch: true } } } });
    if (!command) throw notFound("No such command.");
    if (command.assignment && command.assignment.epoch > command.epoch) {
      throw new AppError("CONFLICT", `Stale epoch ${command.epoch}; the assignment is at epoch ${command.assignment.epoch}.`, { publicCode: "stale_epoch" });
    }
    const status = ack.status.toUpperCase() as "ACCEPTED" | "COMPLETED" | "REJECTED" | "FAILED";
    if (TERMINAL.has(command.status)) {
      if (command.status === status) return { commandId, status: command.status, duplicate: true };
      throw new AppError("CONFLICT", `Command is already ${command.status.toLowerCase()}.`);
    }
    const updated = await tx.command.update({
      where: { id: command.id },
      data: { status, ackDetail: ack.detail ?? null, engineRef: ack.engineRef ?? command.engineRef, leaseExpiresAt: null },
    });
    if (command.assignmentId && ack.engineRef) {
      await tx.assignment.update({ where: { id: command.assignmentId }, data: { engineRef: ack.engineRef } });
    }
    return { commandId, status: updated.status, duplicate: false };
  });
}
