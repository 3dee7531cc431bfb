import { prisma, type Prisma } from "@koi/db";

/**
 * Session revocation for JWT sessions: each token carries the user's `sessionVersion` from sign-in,
 * and every request compares it with the current one. Raising the version ends every session of
 * the user. The version is cached per process for at most CACHE_MS, so another web process sees a
 * revocation within that time (this one at once).
 */
const CACHE_MS = 5_000;
const MAX_CACHED = 10_000;
const cache = new Map<string, { version: number | null; at: number }>();

/** The user's current session version; null when the user no longer exists. */
export async function currentSessionVersion(userId: string, now = Date.now()): Promise<number | null> {
  const hit = cache.get(userId);
  if (hit && now - hit.at < CACHE_MS) return hit.version;
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
  if (cache.size >= MAX_CACHED) cache.clear();
  const version = user?.sessionVersion ?? null;
  cache.set(userId, { version, at: now });
  return version;
}

/** Ends every session of the user (in the caller's transaction when given one). */
export async function endSessions(userId: string, tx: Prisma.TransactionClient = prisma): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
  cache.delete(userId);
}

/** Whether a token stamped with `stamped` (absent in tokens issued before versions: 0) is still valid. */
export function sessionStillValid(stamped: unknown, current: number | null): boolean {
  return current !== null && (typeof stamped === "number" ? stamped : 0) === current;
}
