import type { TAckRequest } from "@koi/contracts/agent/ack";
import { AppError, notFound } from "@koi/core/app-error";
import { commandAcks } from "@koi/core/metrics/koi-metrics";
import { prisma } from "@koi/db";
import { handleDeployAck } from "../workloads/handle-deploy-ack.ts";
import { lockOrgPlanning, lockWorkload } from "../workloads/lock-rows.ts";
import { publishCommandWakeup } from "./command-wakeups.ts";

export type TAck = Pick<TAckRequest, "status"> & {
  assignmentId?: string;
  epoch?: number;
  detail?: string | null;
  engineRef?: string | null;
};

const TERMINAL = new Set(["COMPLETED", "REJECTED", "FAILED", "CANCELLED"]);

/**
 * Records the agent's answer to a command. A command issued under an older epoch than its
 * assignment now has is stale: 409 and nothing written (the agent should drop it). Acking the
 * same terminal status again is a no-op, so retries are safe. A deploy ack moves its workload
 * along in the same transaction (RUNNING, or a failover deploy) — docs/workloads.md step 3.
 */
export async function ackCommand(orgId: string, agentId: string, commandId: string, ack: TAck) {
  const { result, wake } = await prisma.$transaction(async (tx) => {
    const found = await tx.command.findFirst({
      where: { id: commandId, orgId, agentId },
      include: { assignment: { select: { workloadId: true } } },
    });
    if (!found) throw notFound("No such command.");
    const status = ack.status.toUpperCase() as "ACCEPTED" | "COMPLETED" | "REJECTED" | "FAILED";
    const workloadId = found.type === "deploy" ? found.assignment?.workloadId : null;
    // Lock order (lock-rows.ts): planning lock when a failure may fail over, then the workload.
    if (workloadId) {
      if (status === "REJECTED" || status === "FAILED") await lockOrgPlanning(tx, orgId);
      await lockWorkload(tx, workloadId);
    }
    const command = await tx.command.findFirst({
      where: { id: commandId, orgId, agentId },
      include: { assignment: { select: { epoch: true } } },
    });
    if (!command) throw notFound("No such command.");
    // The ack echoes what the command said; one that does not answers some other command.
    if (ack.assignmentId !== undefined && command.assignmentId && ack.assignmentId !== command.assignmentId)
      throw new AppError("BAD_REQUEST", `The ack names assignment ${ack.assignmentId}; this command is for another.`);
    if (ack.epoch !== undefined && ack.epoch !== command.epoch)
      throw new AppError("BAD_REQUEST", `The ack's epoch ${ack.epoch} is not the command's (${command.epoch}).`);
    if (command.assignment && command.assignment.epoch > command.epoch) {
      throw new AppError(
        "CONFLICT",
        `Stale epoch ${command.epoch}; the assignment is at epoch ${command.assignment.epoch}.`,
        { publicCode: "stale_epoch" },
      );
    }
    if (TERMINAL.has(command.status)) {
      if (command.status === status)
        return { result: { commandId, status: command.status, duplicate: true }, wake: [] as string[] };
      throw new AppError("CONFLICT", `Command is already ${command.status.toLowerCase()}.`);
    }
    const updated = await tx.command.update({
      where: { id: command.id },
      data: {
        status,
        ackDetail: ack.detail ?? null,
        engineRef: ack.engineRef ?? command.engineRef,
        leaseExpiresAt: null,
      },
    });
    if (command.assignmentId && ack.engineRef) {
      await tx.assignment.update({ where: { id: command.assignmentId }, data: { engineRef: ack.engineRef } });
    }
    const wake =
      workloadId && command.assignmentId && command.status !== status
        ? await handleDeployAck(tx, command.assignmentId, status, ack.detail ?? null)
        : [];
    return { result: { commandId, status: updated.status, duplicate: false }, wake };
  });
  if (!result.duplicate) commandAcks.inc({ status: result.status.toLowerCase() });
  await Promise.all(wake.map((id) => publishCommandWakeup(id)));
  return result;
}
