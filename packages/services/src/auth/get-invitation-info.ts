import { prisma } from "@koi/db";
import type { TInvitationInfo } from "./invitation-info.schema.ts";
import { findInvitationByToken } from "./find-invitation-by-token.ts";

export async function getInvitationInfo(token: string): Promise<TInvitationInfo> {
  const invitation = await findInvitationByToken(token);
  const user = await prisma.user.findUnique({ where: { email: invitation.email.toLowerCase() }, select: { id: true } });
  return {
    email: invitation.email,
    orgName: invitation.org?.name ?? null,
    role: invitation.orgId ? invitation.role : "OWNER",
    userExists: Boolean(user),
  };
}
