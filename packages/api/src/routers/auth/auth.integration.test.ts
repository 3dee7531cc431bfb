import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { env } from "@koi/core/env";
import { prisma, type Role } from "@koi/db";
import { createTestOrg, createTestUser } from "@koi/db/factories";
import { hashPassword, verifyPassword } from "@koi/db/password";
import { startPasswordReset } from "@koi/services/auth/request-password-reset";
import { signUp as signUpService } from "@koi/services/auth/sign-up";
import {
  anonymousCaller,
  callerAs,
  mailInvitation,
  mailPasswordReset,
  uniqueEmail,
  uniqueIp,
} from "../../testing/callers.ts";

async function expectCode(promise: Promise<unknown>, code: TRPCError["code"]) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
  return err as TRPCError;
}

/** An org with an owner who invites `email`, and the token the worker would have mailed. */
async function invited(role: Role = "MEMBER", email = uniqueEmail("invitee")) {
  const owner = await createTestUser();
  const org = await createTestOrg({ ownerId: owner.id });
  const invitation = await callerAs(owner.id, org.id).members.invite({ email, role });
  return { org, owner, email, invitation, token: await mailInvitation(invitation.id) };
}

async function waitlistInvitation(email = uniqueEmail("wl")) {
  const invitation = await prisma.invitation.create({
    data: { email, role: "OWNER", expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return { email, invitation, token: await mailInvitation(invitation.id) };
}

const password = "correct horse battery";

describe("auth.signUp with an invitation", () => {
  it("creates the user and the membership with the invited role, marks the invitation accepted, audits", async () => {
    const { org, email, invitation, token } = await invited("ADMIN");
    const result = await anonymousCaller().auth.signUp({
      inviteToken: token,
      name: "Ivy Invitee",
      password,
      email: "ignored@example.test",
    });
    expect(result).toEqual({ email });
    const user = await prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    expect(user.memberships.map((m) => [m.orgId, m.role])).toEqual([[org.id, "ADMIN"]]);
    expect(user.emailVerified).not.toBeNull();
    expect(await verifyPassword(user.passwordHash!, password)).toBe(true);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedAt).not.toBeNull();
    expect(
      await prisma.auditEvent.count({
        where: { orgId: org.id, action: "invitation.accepted", targetId: invitation.id },
      }),
    ).toBe(1);
    expect(await prisma.user.findUnique({ where: { email: "ignored@example.test" } })).toBeNull();
  });

  it("works once: the same link again is NOT_FOUND and creates nothing", async () => {
    const { token } = await invited();
    await anonymousCaller().auth.signUp({ inviteToken: token, name: "A", password });
    const users = await prisma.user.count();
    await expectCode(anonymousCaller().auth.signUp({ inviteToken: token, name: "B", password }), "NOT_FOUND");
    expect(await prisma.user.count()).toBe(users);
  });

  it("lets only one of two concurrent sign-ups with one link through", async () => {
    const { token, email } = await invited();
    const results = await Promise.allSettled(
      [1, 2].map(() => anonymousCaller().auth.signUp({ inviteToken: token, name: "Racer", password })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await prisma.user.count({ where: { email } })).toBe(1);
  });

  it("gives a waitlist approval (no org) its own org as OWNER", async () => {
    const { email, token } = await waitlistInvitation();
    await anonymousCaller().auth.signUp({ inviteToken: token, name: "Wanda Waitlist", password });
    const user = await prisma.user.findUniqueOrThrow({
      where: { email },
      include: { memberships: { include: { org: true } } },
    });
    expect(user.memberships).toHaveLength(1);
    expect(user.memberships[0]).toMatchObject({ role: "OWNER", org: { name: "Wanda Waitlist's org" } });
  });

  it("names the org of an approved waitlist entry after the company they gave, not after them", async () => {
    const { email, invitation, token } = await waitlistInvitation();
    await prisma.waitlistEntry.create({
      data: {
        email,
        name: "Wanda Waitlist",
        company: "  Analytical Engines Ltd ",
        fleetSize: "9-64",
        workloadType: "BOTH",
        status: "APPROVED",
        invitationId: invitation.id,
      },
    });
    await anonymousCaller().auth.signUp({ inviteToken: token, name: "Wanda Waitlist", password });
    const user = await prisma.user.findUniqueOrThrow({
      where: { email },
      include: { memberships: { include: { org: true } } },
    });
    expect(user.memberships).toHaveLength(1);
    expect(user.memberships[0]).toMatchObject({ role: "OWNER", org: { name: "Analytical Engines Ltd" } });
    expect(user.memberships[0]!.org.slug).toMatch(/^analytical-engines-ltd-[0-9a-f]{6}$/);
  });

  it("names the org after the waitlist company when a signed-in person accepts the approval", async () => {
    const { email, invitation, token } = await waitlistInvitation();
    await prisma.waitlistEntry.create({
      data: {
        email,
        name: "Wes",
        company: "Tensor Barn",
        fleetSize: "1-8",
        workloadType: "BATCH",
        invitationId: invitation.id,
      },
    });
    const user = await createTestUser({ email });
    const { orgId } = await callerAs(user.id, null).auth.acceptInvitation({ token });
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: orgId } })).name).toBe("Tensor Barn");
  });

  it("refuses revoked, expired and unknown links with NOT_FOUND", async () => {
    const revoked = await invited();
    await callerAs(revoked.owner.id, revoked.org.id).members.revokeInvitation({ invitationId: revoked.invitation.id });
    const expired = await invited();
    await prisma.invitation.update({
      where: { id: expired.invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    for (const token of [revoked.token, expired.token, "x".repeat(43)]) {
      await expectCode(anonymousCaller().auth.signUp({ inviteToken: token, name: "N", password }), "NOT_FOUND");
      await expectCode(anonymousCaller().auth.invitationInfo({ token }), "NOT_FOUND");
    }
    expect(await prisma.user.count({ where: { email: { in: [revoked.email, expired.email] } } })).toBe(0);
  });

  it("answers CONFLICT when the invited email already has an account", async () => {
    const { email, token } = await invited();
    await createTestUser({ email });
    await expectCode(anonymousCaller().auth.signUp({ inviteToken: token, name: "N", password }), "CONFLICT");
  });

  it("enforces the password policy (10–200)", async () => {
    const { token } = await invited();
    const err = await expectCode(
      anonymousCaller().auth.signUp({ inviteToken: token, name: "N", password: "too-short" }),
      "BAD_REQUEST",
    );
    expect(err.cause).toBeDefined();
    await expectCode(
      anonymousCaller().auth.signUp({ inviteToken: token, name: "N", password: "x".repeat(201) }),
      "BAD_REQUEST",
    );
  });
});

describe("auth.signUp without an invitation", () => {
  it("is refused while Koi is invite-only and creates nothing", async () => {
    expect(env().KOI_OPEN_SIGNUP).toBe(false);
    const email = uniqueEmail();
    const err = await expectCode(anonymousCaller().auth.signUp({ email, name: "N", password }), "FORBIDDEN");
    expect(err.message).toBe("Koi is invite-only — join the waitlist.");
    expect(await prisma.user.findUnique({ where: { email } })).toBeNull();
  });

  it("with open sign-up, creates the user and their own org as OWNER", async () => {
    const email = uniqueEmail();
    expect(await signUpService({ email, name: "Olive Open", password }, { openSignUp: true })).toEqual({ email });
    const user = await prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    expect(user.memberships.map((m) => m.role)).toEqual(["OWNER"]);
  });

  it("with open sign-up, answers an existing email exactly like a new one and changes nothing", async () => {
    const email = uniqueEmail();
    const existing = await createTestUser({ email, passwordHash: await hashPassword("the-original-password") });
    const fresh = await signUpService({ email: uniqueEmail(), name: "N", password }, { openSignUp: true });
    const again = await signUpService({ email, name: "Mallory", password }, { openSignUp: true });
    expect(Object.keys(again)).toEqual(Object.keys(fresh));
    expect(again).toEqual({ email });
    const after = await prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    expect(after.passwordHash).toBe(existing.passwordHash);
    expect(after.name).toBe(existing.name);
    expect(after.memberships).toHaveLength(0);
  });

  it("is rate-limited per IP", async () => {
    const ip = uniqueIp();
    const limit = env().KOI_AUTH_LIMIT_PER_15_MIN;
    for (let i = 0; i < limit; i++)
      await expectCode(anonymousCaller(ip).auth.signUp({ email: uniqueEmail(), name: "N", password }), "FORBIDDEN");
    await expectCode(
      anonymousCaller(ip).auth.signUp({ email: uniqueEmail(), name: "N", password }),
      "TOO_MANY_REQUESTS",
    );
    await expectCode(anonymousCaller().auth.signUp({ email: uniqueEmail(), name: "N", password }), "FORBIDDEN");
  });
});

describe("auth.invitationInfo", () => {
  it("tells the org, role, email and whether the account exists — nothing else", async () => {
    const { org, email, token } = await invited("VIEWER");
    expect(await anonymousCaller().auth.invitationInfo({ token })).toEqual({
      email,
      orgName: org.name,
      role: "VIEWER",
      userExists: false,
    });
    await createTestUser({ email });
    expect((await anonymousCaller().auth.invitationInfo({ token })).userExists).toBe(true);
  });

  it("describes a waitlist approval as an owner of no org yet", async () => {
    const { email, token } = await waitlistInvitation();
    expect(await anonymousCaller().auth.invitationInfo({ token })).toEqual({
      email,
      orgName: null,
      role: "OWNER",
      userExists: false,
    });
  });
});

describe("auth.acceptInvitation", () => {
  it("adds the signed-in invitee to the org and marks the invitation accepted", async () => {
    const { org, email, invitation, token } = await invited("MEMBER");
    const user = await createTestUser({ email });
    const otherOrg = await createTestOrg({ ownerId: user.id });
    expect(await callerAs(user.id, otherOrg.id).auth.acceptInvitation({ token })).toEqual({
      orgId: org.id,
      orgSlug: org.slug,
    });
    expect(
      (await prisma.membership.findUniqueOrThrow({ where: { orgId_userId: { orgId: org.id, userId: user.id } } })).role,
    ).toBe("MEMBER");
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedAt).not.toBeNull();
    await expectCode(callerAs(user.id, org.id).auth.acceptInvitation({ token }), "NOT_FOUND");
  });

  it("refuses a user whose email differs, changing nothing", async () => {
    const { org, invitation, token } = await invited();
    const stranger = await createTestUser();
    const strangerOrg = await createTestOrg({ ownerId: stranger.id });
    await expectCode(callerAs(stranger.id, strangerOrg.id).auth.acceptInvitation({ token }), "FORBIDDEN");
    expect(
      await prisma.membership.findUnique({ where: { orgId_userId: { orgId: org.id, userId: stranger.id } } }),
    ).toBeNull();
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedAt).toBeNull();
  });

  it("needs a session", async () => {
    const { token } = await invited();
    await expectCode(anonymousCaller().auth.acceptInvitation({ token }), "UNAUTHORIZED");
  });
});

/** What the worker's `start-password-reset` jobs do for the requests queued for `email`. */
async function startResets(email: string) {
  const rows = await prisma.outboxEvent.findMany({ where: { jobName: "start-password-reset" } });
  const mine = rows.map((r) => r.payload as { email: string; requestedAt: string }).filter((p) => p.email === email);
  for (const p of mine) await startPasswordReset(p.email, new Date(p.requestedAt));
  return mine.length;
}

describe("auth.requestPasswordReset", () => {
  it("answers identically whether or not the account exists, and does the same work: one queued request", async () => {
    const user = await createTestUser({ passwordHash: await hashPassword(password) });
    const nobody = uniqueEmail("nobody");
    const known = await anonymousCaller().auth.requestPasswordReset({ email: user.email.toUpperCase() });
    const unknown = await anonymousCaller().auth.requestPasswordReset({ email: nobody });
    expect(JSON.stringify(known)).toBe(JSON.stringify(unknown));
    // Nothing about the account is looked at while answering.
    expect(await prisma.passwordResetToken.count({ where: { userId: user.id } })).toBe(0);
    expect(await startResets(user.email)).toBe(1);
    expect(await startResets(nobody)).toBe(1);

    const resets = await prisma.passwordResetToken.findMany({ where: { userId: user.id } });
    expect(resets).toHaveLength(1);
    const minutes = (resets[0]!.expiresAt.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(59);
    expect(minutes).toBeLessThanOrEqual(60);
    const outbox = await prisma.outboxEvent.findUniqueOrThrow({
      where: { jobId: `send-password-reset-${resets[0]!.id}` },
    });
    expect(outbox).toMatchObject({ jobName: "send-password-reset", payload: { resetId: resets[0]!.id } });
    // The worker may run a job twice: still one reset.
    await startResets(user.email);
    expect(await prisma.passwordResetToken.count({ where: { userId: user.id } })).toBe(1);
  });

  it("stays silent (same answer, no more emails) past a few requests for one inbox", async () => {
    const user = await createTestUser();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await anonymousCaller().auth.requestPasswordReset({ email: user.email }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await startResets(user.email)).toBe(3);
    expect(await prisma.passwordResetToken.count({ where: { userId: user.id } })).toBe(3);
  });

  it("is rate-limited per IP", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < env().KOI_AUTH_LIMIT_PER_15_MIN; i++)
      await anonymousCaller(ip).auth.requestPasswordReset({ email: uniqueEmail() });
    await expectCode(anonymousCaller(ip).auth.requestPasswordReset({ email: uniqueEmail() }), "TOO_MANY_REQUESTS");
  });
});

describe("auth.resetPassword", () => {
  async function resetFor(userEmail?: string) {
    const user = await createTestUser({ email: userEmail, passwordHash: await hashPassword("the-old-password") });
    await anonymousCaller().auth.requestPasswordReset({ email: user.email });
    await startResets(user.email);
    const [reset] = await prisma.passwordResetToken.findMany({
      where: { userId: user.id },
      orderBy: { createdAt: "desc" },
    });
    return { user, reset: reset!, token: await mailPasswordReset(reset!.id) };
  }

  it("sets the new password once and kills the user's other reset links", async () => {
    const { user, reset, token } = await resetFor();
    const older = await prisma.passwordResetToken.create({
      data: { userId: user.id, expiresAt: new Date(Date.now() + 60_000) },
    });
    expect(await anonymousCaller().auth.resetPassword({ token, password: "a brand new password" })).toEqual({
      email: user.email,
    });
    const after = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(after.passwordHash!, "a brand new password")).toBe(true);
    expect(await verifyPassword(after.passwordHash!, "the-old-password")).toBe(false);
    expect((await prisma.passwordResetToken.findUniqueOrThrow({ where: { id: reset.id } })).usedAt).not.toBeNull();
    expect((await prisma.passwordResetToken.findUniqueOrThrow({ where: { id: older.id } })).usedAt).not.toBeNull();
    expect(await prisma.auditEvent.count({ where: { actorUserId: user.id, action: "password_reset.completed" } })).toBe(
      1,
    );

    await expectCode(anonymousCaller().auth.resetPassword({ token, password: "yet another password" }), "NOT_FOUND");
    const final = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(final.passwordHash).toBe(after.passwordHash);
  });

  it("refuses an expired link", async () => {
    const { user, reset, token } = await resetFor();
    await prisma.passwordResetToken.update({
      where: { id: reset.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await expectCode(anonymousCaller().auth.resetPassword({ token, password: "a brand new password" }), "NOT_FOUND");
    expect(
      await verifyPassword(
        (await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!,
        "the-old-password",
      ),
    ).toBe(true);
  });
});
