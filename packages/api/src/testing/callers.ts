import { randomBytes } from "node:crypto";
import type { Session } from "next-auth";
import { CLIENT_IP_HEADER } from "@koi/auth/client-ip";
import { createSecretToken } from "@koi/core/secret-token";
import { prisma } from "@koi/db";
import { createContext } from "../context.ts";
import { appRouter } from "../root-router.ts";
import { createCallerFactory } from "../trpc.ts";

// Test-only helpers: callers with a fake JWT session, and the worker's half of emailed links.
const createCaller = createCallerFactory(appRouter);

export const uniqueIp = () => `10.${[0, 0, 0].map(() => randomBytes(1)[0]! % 250).join(".")}`;
export const uniqueEmail = (label = "user") => `${label}-${randomBytes(6).toString("hex")}@example.test`;

export function callerAs(userId: string, activeOrgId: string | null, ip = uniqueIp()) {
  const session = {
    user: { id: userId },
    activeOrgId,
    expires: new Date(Date.now() + 3_600_000).toISOString(),
  } as Session;
  return createCaller(createContext({ session, headers: new Headers({ [CLIENT_IP_HEADER]: ip }) }));
}

export function anonymousCaller(ip = uniqueIp()) {
  return createCaller(createContext({ session: null, headers: new Headers({ [CLIENT_IP_HEADER]: ip }) }));
}

/** What the worker does when it mails an invitation: makes the token, keeps only its hash. */
export async function mailInvitation(invitationId: string): Promise<string> {
  const { token, tokenHash } = createSecretToken();
  await prisma.invitation.update({ where: { id: invitationId }, data: { tokenHash } });
  return token;
}

export async function mailPasswordReset(resetId: string): Promise<string> {
  const { token, tokenHash } = createSecretToken();
  await prisma.passwordResetToken.update({ where: { id: resetId }, data: { tokenHash } });
  return token;
}
