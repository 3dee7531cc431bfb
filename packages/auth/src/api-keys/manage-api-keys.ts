import { recordAudit } from "@koi/core/audit";
import { AppError } from "@koi/core/app-error";
import { getRedis } from "@koi/core/redis";
import { prisma } from "@koi/db";
import { revocationChannel } from "./api-key-cache.ts";
import { displayParts, generateApiKey, hashApiKey } from "./api-key-format.ts";
import type { TApiKeyScope } from "./api-key-scopes.ts";

/** Creates a key and returns its secret — the only time the plaintext exists outside the caller. */
export async function createApiKey(input: {
  orgId: string;
  actorUserId: string | null;
  name: string;
  scopes: TApiKeyScope[];
  expiresAt: Date | null;
}) {
  const secret = generateApiKey();
  const { prefix, lastFour } = displayParts(secret);
  const key = await prisma.$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: {
        orgId: input.orgId,
        name: input.name,
        keyHash: hashApiKey(secret),
        prefix,
        lastFour,
        scopes: [...new Set(input.scopes)],
        expiresAt: input.expiresAt,
        createdById: input.actorUserId,
      },
    });
    await recordAudit(tx, {
      orgId: input.orgId,
      actorUserId: input.actorUserId,
      action: "api_key.created",
      targetType: "api_key",
      targetId: row.id,
      data: { name: row.name, scopes: row.scopes },
    });
    return row;
  });
  return { key, secret };
}

/** Revokes in Postgres, then tells every process to drop its cached copy (well inside 5 s). */
export async function revokeApiKey(input: { orgId: string; actorUserId: string | null; keyId: string }) {
  const key = await prisma.$transaction(async (tx) => {
    const row = await tx.apiKey.findFirst({ where: { id: input.keyId, orgId: input.orgId } });
    if (!row) throw new AppError("NOT_FOUND", "Not found");
    if (row.revokedAt) return row;
    const updated = await tx.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, {
      orgId: input.orgId,
      actorUserId: input.actorUserId,
      action: "api_key.revoked",
      targetType: "api_key",
      targetId: row.id,
      data: { name: row.name },
    });
    return updated;
  });
  await getRedis().publish(revocationChannel(), key.keyHash);
  return key;
}
