import { ZCommand, type TCommand } from "@koi/contracts/agent/commands";
import type { Command } from "@koi/db";

/** A leased Command row as the agent protocol sends it (validated, so a bad row fails loudly here). */
export function toCommandMessage(row: Command): TCommand {
  return ZCommand.parse({
    type: row.type,
    commandId: row.id,
    assignmentId: row.assignmentId,
    epoch: row.epoch,
    leaseExpiresAt: (row.leaseExpiresAt ?? new Date()).toISOString(),
    payload: row.payload,
  });
}
