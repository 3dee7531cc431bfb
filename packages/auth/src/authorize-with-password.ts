import { CredentialsSignin } from "next-auth";
import { z } from "zod";
import { env } from "@koi/core/env";
import { forgetRateLimitHit, hitRateLimit } from "@koi/core/rate-limit";
import { getRedis } from "@koi/core/redis";
import { prisma } from "@koi/db";
import { hashPassword, verifyPassword } from "@koi/db/password";
import { clientIp } from "./client-ip.ts";

const ZCredentials = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(200),
});

class RateLimited extends CredentialsSignin {
  code = "rate_limited";
}

// Verifying against a real hash when the user does not exist keeps the timing of
// "no such account" and "wrong password" alike (no account enumeration).
let dummyHash: Promise<string> | undefined;

export async function authorizeWithPassword(credentials: unknown, request: Request) {
  const parsed = ZCredentials.safeParse(credentials);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const e = env();
  const ip = clientIp(request.headers);
  // Per IP+account and per IP: a stranger cannot lock the owner out from elsewhere. Only failed
  // attempts use the limits up: a team behind one address signs in as often as it likes.
  const windowMs = 15 * 60_000;
  const [perAccount, perIp] = await Promise.all([
    hitRateLimit(getRedis(), "sign-in", `${ip}|${email}`, e.KOI_AUTH_LIMIT_PER_15_MIN, windowMs),
    hitRateLimit(getRedis(), "sign-in-ip", ip, e.KOI_AUTH_LIMIT_PER_15_MIN * 5, windowMs),
  ]);
  if (!perAccount.allowed || !perIp.allowed) throw new RateLimited();

  const user = await prisma.user.findUnique({ where: { email } });
  if (!user?.passwordHash) {
    dummyHash ??= hashPassword("not-a-real-password");
    await verifyPassword(await dummyHash, password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password))) return null;
  await Promise.all([forgetRateLimitHit(getRedis(), perAccount), forgetRateLimitHit(getRedis(), perIp)]);
  return { id: user.id, email: user.email, name: user.name };
}
