import { prisma } from "@koi/db";
import type { TApiKeyScope } from "./api-key-scopes.ts";
import { createApiKey, revokeApiKey } from "./manage-api-keys.ts";

export type TKeyRequest = { name: string; scopes: TApiKeyScope[] };

/**
 * Revokes the org's live keys whose name starts with `namePrefix`, then creates `keys` afresh
 * (names get the prefix). The secrets exist only in the return value: Postgres holds hashes.
 * Used by the local demo, which hands new engine keys to its agents at every start.
 */
export async function rotateNamedApiKeys(input: {
  orgId: string;
  namePrefix: string;
  keys: TKeyRequest[];
  actorUserId?: string | null;
}) {
  const previous = await prisma.apiKey.findMany({
    where: { orgId: input.orgId, revokedAt: null, name: { startsWith: input.namePrefix } },
    select: { id: true },
  });
  for (const key of previous)
    await revokeApiKey({ orgId: input.orgId, actorUserId: input.actorUserId ?? null, keyId: key.id });
  const created = [];
  for (const k of input.keys) {
    const { key, secret } = await createApiKey({
      orgId: input.orgId,
      actorUserId: input.actorUserId ?? null,
      name: `${input.namePrefix}${k.name}`,
      scopes: k.scopes,
      expiresAt: null,
    });
    created.push({ name: k.name, id: key.id, scopes: key.scopes, secret });
  }
  return { created, revokedIds: previous.map((k) => k.id) };
}
