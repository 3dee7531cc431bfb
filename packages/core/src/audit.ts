import type { Prisma, Tx } from "@koi/db";

/** Audit rows are written in the same transaction as the change they describe. */
export async function recordAudit(
  tx: Tx,
  event: {
    orgId?: string | null;
    actorUserId?: string | null;
    action: string;
    targetType: string;
    targetId?: string | null;
    data?: Prisma.InputJsonValue;
  },
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      orgId: event.orgId ?? null,
      actorUserId: event.actorUserId ?? null,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId ?? null,
      data: event.data ?? {},
    },
  });
}
