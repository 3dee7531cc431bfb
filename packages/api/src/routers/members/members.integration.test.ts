import { TRPCError } from "@trpc/server";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma, type Role } from "@koi/db";
import { addTestMember, createTestOrg, createTestUser } from "@koi/db/factories";
import { callerAs, uniqueEmail } from "../../testing/callers.ts";

async function expectCode(promise: Promise<unknown>, code: TRPCError["code"]) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
}

async function memberOf(orgId: string, role: Role) {
  const user = await addTestMember(orgId, role);
  const membership = await prisma.membership.findUniqueOrThrow({ where: { orgId_userId: { orgId, userId: user.id } } });
  return { user, membership, caller: callerAs(user.id, orgId) };
}

// A snapshot of every row the members procedures can touch, to prove a refused call changed nothing.
async function snapshot(orgId: string) {
  const [memberships, invitations, outbox, audit] = await Promise.all([
    prisma.membership.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    prisma.invitation.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    prisma.outboxEvent.count({ where: { orgId } }),
    prisma.auditEvent.count({ where: { orgId } }),
  ]);
  return { memberships, invitations, outbox, audit };
}

type TWorld = Awaited<ReturnType<typeof makeWorld>>;
async function makeWorld() {
  const orgA = await createTestOrg();
  const ownerA = await memberOf(orgA.id, "OWNER");
  const adminA = await memberOf(orgA.id, "ADMIN");
  const memberA = await memberOf(orgA.id, "MEMBER");
  const viewerA = await memberOf(orgA.id, "VIEWER");
  const orgB = await createTestOrg();
  const ownerB = await memberOf(orgB.id, "OWNER");
  const pendingA = await ownerA.caller.members.invite({ email: uniqueEmail("pending"), role: "MEMBER" });
  return { orgA, ownerA, adminA, memberA, viewerA, orgB, ownerB, pendingA };
}

let w: TWorld;
beforeEach(async () => {
  w = await makeWorld();
});

describe("members — tenant isolation", () => {
  it("refuses every procedure with another org's ids as NOT_FOUND and changes no row", async () => {
    const before = await snapshot(w.orgA.id);
    const b = w.ownerB.caller;
    await expectCode(b.members.changeRole({ membershipId: w.memberA.membership.id, role: "ADMIN" }), "NOT_FOUND");
    await expectCode(b.members.changeRole({ membershipId: w.ownerA.membership.id, role: "VIEWER" }), "NOT_FOUND");
    await expectCode(b.members.remove({ membershipId: w.memberA.membership.id }), "NOT_FOUND");
    await expectCode(b.members.remove({ membershipId: w.ownerA.membership.id }), "NOT_FOUND");
    await expectCode(b.members.revokeInvitation({ invitationId: w.pendingA.id }), "NOT_FOUND");
    const listed = await b.members.list();
    expect(listed.map((m) => m.membershipId)).toEqual([w.ownerB.membership.id]);
    expect(await b.members.invitations()).toEqual([]);
    expect(await snapshot(w.orgA.id)).toEqual(before);
  });

  it("refuses every procedure as NOT_FOUND when the session names an org the user is not in", async () => {
    const before = await snapshot(w.orgA.id);
    const intruder = callerAs(w.ownerB.user.id, w.orgA.id);
    await expectCode(intruder.members.list(), "NOT_FOUND");
    await expectCode(intruder.members.invitations(), "NOT_FOUND");
    await expectCode(intruder.members.invite({ email: uniqueEmail(), role: "OWNER" }), "NOT_FOUND");
    await expectCode(
      intruder.members.changeRole({ membershipId: w.memberA.membership.id, role: "OWNER" }),
      "NOT_FOUND",
    );
    await expectCode(intruder.members.remove({ membershipId: w.ownerA.membership.id }), "NOT_FOUND");
    await expectCode(intruder.members.revokeInvitation({ invitationId: w.pendingA.id }), "NOT_FOUND");
    expect(await snapshot(w.orgA.id)).toEqual(before);
  });

  it("refuses a member removed a moment ago", async () => {
    await w.ownerA.caller.members.remove({ membershipId: w.memberA.membership.id });
    await expectCode(w.memberA.caller.members.list(), "NOT_FOUND");
  });

  it("refuses without a session", async () => {
    await expectCode(callerAs("", null).members.list(), "UNAUTHORIZED");
  });
});

describe("members.invite", () => {
  it("creates the invitation and its outbox row in one go, audited", async () => {
    const email = uniqueEmail("new");
    const invitation = await w.adminA.caller.members.invite({ email: email.toUpperCase(), role: "VIEWER" });
    expect(invitation).toMatchObject({ email, role: "VIEWER" });
    expect(Object.keys(invitation).sort()).toEqual(["createdAt", "email", "expiresAt", "id", "invitedByName", "role"]);
    const days = (invitation.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    const row = await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(row).toMatchObject({ orgId: w.orgA.id, invitedById: w.adminA.user.id, tokenHash: null, acceptedAt: null });
    const outbox = await prisma.outboxEvent.findUniqueOrThrow({ where: { jobId: `send-invitation-${invitation.id}` } });
    expect(outbox).toMatchObject({
      jobName: "send-invitation",
      payload: { invitationId: invitation.id },
      orgId: w.orgA.id,
      publishedAt: null,
    });
    expect(
      await prisma.auditEvent.count({ where: { orgId: w.orgA.id, action: "member.invited", targetId: invitation.id } }),
    ).toBe(1);
    expect((await w.ownerA.caller.members.invitations()).map((i) => i.id)).toContain(invitation.id);
  });

  it("replaces a pending invitation to the same email", async () => {
    const email = uniqueEmail();
    const first = await w.ownerA.caller.members.invite({ email, role: "MEMBER" });
    const second = await w.ownerA.caller.members.invite({ email, role: "ADMIN" });
    const pending = (await w.ownerA.caller.members.invitations()).filter((i) => i.email === email);
    expect(pending.map((i) => i.id)).toEqual([second.id]);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: first.id } })).revokedAt).not.toBeNull();
  });

  it("lets only an owner invite an owner", async () => {
    await expectCode(w.adminA.caller.members.invite({ email: uniqueEmail(), role: "OWNER" }), "FORBIDDEN");
    await expect(w.ownerA.caller.members.invite({ email: uniqueEmail(), role: "OWNER" })).resolves.toMatchObject({
      role: "OWNER",
    });
  });

  it("needs ADMIN", async () => {
    const before = await snapshot(w.orgA.id);
    await expectCode(w.memberA.caller.members.invite({ email: uniqueEmail(), role: "VIEWER" }), "FORBIDDEN");
    await expectCode(w.viewerA.caller.members.invitations(), "FORBIDDEN");
    expect(await snapshot(w.orgA.id)).toEqual(before);
  });

  it("answers CONFLICT for an existing member and writes nothing", async () => {
    const before = await snapshot(w.orgA.id);
    await expectCode(
      w.ownerA.caller.members.invite({ email: w.memberA.user.email.toUpperCase(), role: "ADMIN" }),
      "CONFLICT",
    );
    expect(await snapshot(w.orgA.id)).toEqual(before);
  });

  it("rejects a malformed email as BAD_REQUEST", async () => {
    await expectCode(w.ownerA.caller.members.invite({ email: "not-an-email", role: "MEMBER" }), "BAD_REQUEST");
  });
});

describe("members.list", () => {
  it("lets a viewer see everyone with roles, never secrets", async () => {
    const members = await w.viewerA.caller.members.list();
    expect(members.map((m) => m.role)).toEqual(["OWNER", "ADMIN", "MEMBER", "VIEWER"]);
    expect(members.filter((m) => m.isYou).map((m) => m.userId)).toEqual([w.viewerA.user.id]);
    expect(JSON.stringify(members)).not.toMatch(/passwordHash|tokenHash/);
  });
});

describe("members.changeRole", () => {
  it("lets an admin change a member's role, audited", async () => {
    await w.adminA.caller.members.changeRole({ membershipId: w.memberA.membership.id, role: "VIEWER" });
    expect((await prisma.membership.findUniqueOrThrow({ where: { id: w.memberA.membership.id } })).role).toBe("VIEWER");
    expect(
      await prisma.auditEvent.count({
        where: { orgId: w.orgA.id, action: "member.role_changed", targetId: w.memberA.membership.id },
      }),
    ).toBe(1);
  });

  it("lets only an owner grant or take away OWNER", async () => {
    await expectCode(
      w.adminA.caller.members.changeRole({ membershipId: w.memberA.membership.id, role: "OWNER" }),
      "FORBIDDEN",
    );
    await expectCode(
      w.adminA.caller.members.changeRole({ membershipId: w.adminA.membership.id, role: "OWNER" }),
      "FORBIDDEN",
    );
    await expectCode(
      w.adminA.caller.members.changeRole({ membershipId: w.ownerA.membership.id, role: "ADMIN" }),
      "FORBIDDEN",
    );
    await expectCode(
      w.memberA.caller.members.changeRole({ membershipId: w.viewerA.membership.id, role: "MEMBER" }),
      "FORBIDDEN",
    );
    await w.ownerA.caller.members.changeRole({ membershipId: w.adminA.membership.id, role: "OWNER" });
    await w.ownerA.caller.members.changeRole({ membershipId: w.adminA.membership.id, role: "ADMIN" });
  });

  it("never demotes the last owner", async () => {
    const before = await snapshot(w.orgA.id);
    await expectCode(
      w.ownerA.caller.members.changeRole({ membershipId: w.ownerA.membership.id, role: "ADMIN" }),
      "CONFLICT",
    );
    expect(await snapshot(w.orgA.id)).toEqual(before);
  });

  it("lets exactly one of two owners demoting each other at once succeed", async () => {
    const second = await memberOf(w.orgA.id, "OWNER");
    const results = await Promise.allSettled([
      w.ownerA.caller.members.changeRole({ membershipId: second.membership.id, role: "ADMIN" }),
      second.caller.members.changeRole({ membershipId: w.ownerA.membership.id, role: "ADMIN" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await prisma.membership.count({ where: { orgId: w.orgA.id, role: "OWNER" } })).toBe(1);
  });
});

describe("members.remove", () => {
  it("lets an admin remove a member, audited", async () => {
    await expect(w.adminA.caller.members.remove({ membershipId: w.memberA.membership.id })).resolves.toEqual({
      left: false,
    });
    expect(await prisma.membership.findUnique({ where: { id: w.memberA.membership.id } })).toBeNull();
    expect(await prisma.auditEvent.count({ where: { orgId: w.orgA.id, action: "member.removed" } })).toBe(1);
  });

  it("lets anyone leave, but not remove others below ADMIN", async () => {
    await expectCode(w.memberA.caller.members.remove({ membershipId: w.viewerA.membership.id }), "FORBIDDEN");
    await expect(w.viewerA.caller.members.remove({ membershipId: w.viewerA.membership.id })).resolves.toEqual({
      left: true,
    });
  });

  it("lets only an owner remove an owner", async () => {
    const second = await memberOf(w.orgA.id, "OWNER");
    await expectCode(w.adminA.caller.members.remove({ membershipId: second.membership.id }), "FORBIDDEN");
    await expect(w.ownerA.caller.members.remove({ membershipId: second.membership.id })).resolves.toEqual({
      left: false,
    });
  });

  it("never removes the last owner, nor lets them leave", async () => {
    const before = await snapshot(w.orgA.id);
    await expectCode(w.ownerA.caller.members.remove({ membershipId: w.ownerA.membership.id }), "CONFLICT");
    expect(await snapshot(w.orgA.id)).toEqual(before);
    const second = await memberOf(w.orgA.id, "OWNER");
    await expect(w.ownerA.caller.members.remove({ membershipId: w.ownerA.membership.id })).resolves.toEqual({
      left: true,
    });
    await expectCode(second.caller.members.remove({ membershipId: second.membership.id }), "CONFLICT");
  });
});

describe("members.revokeInvitation", () => {
  it("revokes a pending invitation once", async () => {
    await w.adminA.caller.members.revokeInvitation({ invitationId: w.pendingA.id });
    expect((await w.adminA.caller.members.invitations()).map((i) => i.id)).not.toContain(w.pendingA.id);
    await expectCode(w.adminA.caller.members.revokeInvitation({ invitationId: w.pendingA.id }), "NOT_FOUND");
    expect(await prisma.auditEvent.count({ where: { orgId: w.orgA.id, action: "invitation.revoked" } })).toBe(1);
  });
});

describe("org", () => {
  it("lists only the caller's orgs, marking the active one", async () => {
    const orgs = await w.ownerB.caller.org.listMine();
    expect(orgs).toEqual([{ id: w.orgB.id, slug: w.orgB.slug, name: w.orgB.name, role: "OWNER", isActive: true }]);
  });

  it("creates an org with the caller as owner", async () => {
    const user = await createTestUser();
    const org = await callerAs(user.id, null).org.create({ name: "  Fish & Chips Inference " });
    expect(org.name).toBe("Fish & Chips Inference");
    expect(org.slug).toMatch(/^fish-chips-inference-[0-9a-f]{6}$/);
    const orgs = await callerAs(user.id, org.id).org.listMine();
    expect(orgs).toEqual([{ ...org, role: "OWNER", isActive: true }]);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: "org.created" } })).toBe(1);
  });

  it("needs a session", async () => {
    await expectCode(callerAs("", null).org.listMine(), "UNAUTHORIZED");
  });
});

describe("members — invitations of a member who could no longer send them", () => {
  const revoked = async (id: string) => (await prisma.invitation.findUniqueOrThrow({ where: { id } })).revokedAt;

  it("a removed admin's pending invitations are revoked, and audited; another member's stay", async () => {
    const sent = await w.adminA.caller.members.invite({ email: uniqueEmail("mallory"), role: "ADMIN" });
    await w.ownerA.caller.members.remove({ membershipId: w.adminA.membership.id });

    expect(await revoked(sent.id)).not.toBeNull();
    expect(await revoked(w.pendingA.id)).toBeNull();
    const audit = await prisma.auditEvent.findMany({ where: { orgId: w.orgA.id, action: "invitation.revoked" } });
    expect(audit).toMatchObject([{ targetId: sent.id, data: { reason: "sender left the organization" } }]);
  });

  it("an admin demoted below admin loses every pending invitation; promoted again, none come back", async () => {
    const sent = await w.adminA.caller.members.invite({ email: uniqueEmail("mallory"), role: "MEMBER" });
    await w.ownerA.caller.members.changeRole({ membershipId: w.adminA.membership.id, role: "MEMBER" });
    expect(await revoked(sent.id)).not.toBeNull();
    await w.ownerA.caller.members.changeRole({ membershipId: w.adminA.membership.id, role: "ADMIN" });
    expect(await revoked(sent.id)).not.toBeNull();
  });

  it("an owner made admin loses only the invitations for owners; an owner keeps all of them", async () => {
    const second = await memberOf(w.orgA.id, "OWNER");
    const owner = await second.caller.members.invite({ email: uniqueEmail("o"), role: "OWNER" });
    const admin = await second.caller.members.invite({ email: uniqueEmail("a"), role: "ADMIN" });
    const kept = await w.ownerA.caller.members.invite({ email: uniqueEmail("k"), role: "OWNER" });
    await w.ownerA.caller.members.changeRole({ membershipId: second.membership.id, role: "ADMIN" });

    expect(await revoked(owner.id)).not.toBeNull();
    expect(await revoked(admin.id)).toBeNull();
    expect(await revoked(kept.id)).toBeNull();
  });

  it("a removed admin's API key keeps working for the org's agents, and the key list marks it for rotation", async () => {
    const key = await w.adminA.caller.apiKeys.create({ name: "agents", scopes: ["engine"], expiresInDays: null });
    const listed = async () => (await w.ownerA.caller.apiKeys.list()).find((k) => k.id === key.id);
    expect(await listed()).toMatchObject({ creatorLeft: false, revokedAt: null });
    await w.ownerA.caller.members.remove({ membershipId: w.adminA.membership.id });
    expect(await listed()).toMatchObject({ creatorLeft: true, revokedAt: null });
  });
});

describe("members — how many invitations one person may send", () => {
  it("at most 100 an hour across every organization they own, though each org allows 50", async () => {
    const user = await createTestUser();
    const callers = await Promise.all(
      [0, 1, 2].map(async () => callerAs(user.id, (await createTestOrg({ ownerId: user.id })).id)),
    );
    const invite = (i: number) =>
      callers[Math.floor(i / 40)]!.members.invite({ email: uniqueEmail(`i${i}`), role: "VIEWER" });
    for (let i = 0; i < 100; i++) await invite(i);
    await expectCode(invite(100), "TOO_MANY_REQUESTS");
  }, 60_000);
});
