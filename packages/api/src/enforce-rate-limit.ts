import { AppError } from "@koi/core/app-error";
import { hitRateLimit } from "@koi/core/rate-limit";
import { getRedis } from "@koi/core/redis";

/** Throws RATE_LIMITED (HTTP 429 with Retry-After) once `identity` used up `limit` in the window. */
export async function enforceRateLimit(
  bucket: string,
  identity: string,
  limit: number,
  windowMs: number,
): Promise<void> {
  const result = await hitRateLimit(getRedis(), bucket, identity, limit, windowMs);
  if (!result.allowed) {
    throw new AppError("RATE_LIMITED", `Too many attempts. Try again in ${result.retryAfterSeconds} s.`, {
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
}
