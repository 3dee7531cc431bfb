import { AppError } from "@koi/core/app-error";
import { apiKeyAuth } from "@koi/core/metrics/koi-metrics";
import { prisma } from "@koi/db";
import { apiKeyCache, type TCachedKey } from "./api-key-cache.ts";
import { hashApiKey, isWellFormedApiKey } from "./api-key-format.ts";
import { hasScope, type TApiKeyScope } from "./api-key-scopes.ts";

export type TVerifiedKey = { id: string; orgId: string; scopes: string[] };

const LAST_USED_EVERY_MS = 60_000;
const lastUsedWritten = new Map<string, number>();

const unauthorized = () => new AppError("UNAUTHORIZED", "Missing, invalid, expired or revoked API key.");

async function lookup(keyHash: string): Promise<TCachedKey | null> {
  const cache = apiKeyCache();
  const hit = cache.get(keyHash);
  if (hit) return hit.key;
  const generation = cache.generation();
  const row = await prisma.apiKey.findUnique({
    where: { keyHash },
    select: { id: true, orgId: true, scopes: true, expiresAt: true, revokedAt: true },
  });
  cache.set(keyHash, row, generation);
  return row;
}

/** `lastUsedAt` at most once a minute per key, across processes (the UPDATE is conditional). */
function touchLastUsed(keyId: string, nowMs: number): void {
  if (nowMs - (lastUsedWritten.get(keyId) ?? 0) < LAST_USED_EVERY_MS) return;
  lastUsedWritten.set(keyId, nowMs);
  const now = new Date(nowMs);
  prisma.apiKey
    .updateMany({
      where: { id: keyId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(nowMs - LAST_USED_EVERY_MS) } }] },
      data: { lastUsedAt: now },
    })
    .catch(() => lastUsedWritten.delete(keyId));
}

/**
 * Order matters: format and checksum first (garbage never reaches the database), then the
 * cached lookup by hash, revoked, expired, then scope. Every failure before the scope check
 * answers the same 401 so a caller learns nothing about which keys exist.
 */
export async function verifyApiKey(
  presented: string | null,
  scope: TApiKeyScope,
  nowMs = Date.now(),
): Promise<TVerifiedKey> {
  // The caller hears one 401 for all of these; operators see which it was.
  const refuse = (outcome: string, err: unknown = unauthorized()) => {
    apiKeyAuth.inc({ outcome });
    return err;
  };
  if (!presented) throw refuse("missing");
  if (!isWellFormedApiKey(presented)) throw refuse("malformed");
  let key: TCachedKey | null;
  try {
    key = await lookup(hashApiKey(presented));
  } catch (err) {
    throw refuse("unavailable", err);
  }
  if (!key) throw refuse("unknown");
  if (key.revokedAt) throw refuse("revoked");
  if (key.expiresAt && key.expiresAt.getTime() <= nowMs) throw refuse("expired");
  if (!hasScope(key.scopes, scope))
    throw refuse("forbidden_scope", new AppError("FORBIDDEN", `This API key lacks the "${scope}" scope.`));
  apiKeyAuth.inc({ outcome: "ok" });
  touchLastUsed(key.id, nowMs);
  return { id: key.id, orgId: key.orgId, scopes: key.scopes };
}
