import { prisma, type Prisma } from "@koi/db";

export type TIdempotencyScope = { orgId: string; key: string; route: string };

/** The first answer stored for (org, key, route), if any. */
export function findIdempotencyRecord(scope: TIdempotencyScope) {
  return prisma.idempotencyRecord.findUnique({ where: { orgId_key_route: scope } });
}

/** Stores the first answer; a concurrent duplicate that stored first wins and this one is dropped. */
export async function saveIdempotencyRecord(
  scope: TIdempotencyScope,
  answer: { requestHash: string; status: number; body: unknown },
): Promise<void> {
  await prisma.idempotencyRecord
    .create({
      data: {
        ...scope,
        requestHash: answer.requestHash,
        status: answer.status,
        responseBody: (answer.body ?? null) as Prisma.InputJsonValue,
      },
    })
    .catch(() => undefined);
}
