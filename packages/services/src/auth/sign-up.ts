import { createPersonalOrg } from "@koi/auth/create-personal-org";
import { AppError } from "@koi/core/app-error";
import { recordAudit } from "@koi/core/audit";
import { isUniqueViolation, prisma } from "@koi/db";
import { hashPassword } from "@koi/db/password";
import type { TSignUpInput } from "./sign-up.schema.ts";
import { findWaitlistCompany } from "../waitlist/find-waitlist-company.ts";
import { claimInvitation, findInvitationByToken } from "./find-invitation-by-token.ts";

export const INVITE_ONLY = "Koi is invite-only — join the waitlist.";

/**
 * Creates an account. With an invitation the email is the invitation's and the user joins its org
 * (or, for a waitlist approval, gets their own); without one only when open sign-up is on.
 */
export async function signUp(
  input: TSignUpInput,
  opts: { openSignUp: boolean; now?: Date },
): Promise<{ email: string }> {
  const now = opts.now ?? new Date();
  if (input.inviteToken) return signUpWithInvitation({ ...input, inviteToken: input.inviteToken }, now);
  if (!opts.openSignUp) throw new AppError("FORBIDDEN", INVITE_ONLY);
  if (!input.email) throw new AppError("BAD_REQUEST", "Enter your email.", { fields: { email: "Enter your email." } });
  return signUpOpen({ email: input.email, name: input.name, password: input.password });
}

async function signUpWithInvitation(input: TSignUpInput & { inviteToken: string }, now: Date) {
  const invitation = await findInvitationByToken(input.inviteToken);
  const email = invitation.email.toLowerCase();
  // The token holder already sees whether the account exists (invitationInfo), so saying so leaks nothing.
  if (await prisma.user.findUnique({ where: { email }, select: { id: true } })) {
    throw new AppError("CONFLICT", "An account with this email already exists — sign in to accept the invitation.");
  }
  const passwordHash = await hashPassword(input.password);
  await prisma.$transaction(async (tx) => {
    await claimInvitation(tx, invitation.id, now);
    const user = await tx.user.create({ data: { email, name: input.name, passwordHash, emailVerified: now } });
    const orgId = invitation.orgId
      ? (await tx.membership.create({ data: { orgId: invitation.orgId, userId: user.id, role: invitation.role } }))
          .orgId
      : (await createPersonalOrg(tx, user.id, input.name, await findWaitlistCompany(tx, invitation.id))).id;
    await recordAudit(tx, {
      orgId,
      actorUserId: user.id,
      action: "invitation.accepted",
      targetType: "invitation",
      targetId: invitation.id,
      data: { via: "sign-up", role: invitation.orgId ? invitation.role : "OWNER" },
    });
  });
  return { email };
}

async function signUpOpen(input: { email: string; name: string; password: string }) {
  // Hash first so an existing email costs the same time as a new one.
  const passwordHash = await hashPassword(input.password);
  if (await prisma.user.findUnique({ where: { email: input.email }, select: { id: true } }))
    return { email: input.email };
  try {
    await prisma.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: input.email, name: input.name, passwordHash } });
      const org = await createPersonalOrg(tx, user.id, input.name);
      await recordAudit(tx, {
        orgId: org.id,
        actorUserId: user.id,
        action: "user.signed_up",
        targetType: "user",
        targetId: user.id,
      });
    });
  } catch (err) {
    // A concurrent sign-up with the same email won the race: answer as for any existing email.
    if (!isUniqueViolation(err)) throw err;
  }
  return { email: input.email };
}
