import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { createTestUser } from "@koi/db/factories";
import { prisma } from "@koi/db";
import { callerAs } from "../../../test-callers.ts";
import { entry } from "@koi/services/waitlist/waitlist-test-entries";

const codeOf = (err: unknown) => (err as TRPCError).code;

describe("admin.waitlist.approve", () => {
  it("approves a confirmed entry: invitation to Koi, outbox email and audit row, all at once", async () => {
    const staff = await createTestUser({ isStaff: true });
    const e = await entry("CONFIRMED");
    const before = Date.now();
    const result = await callerAs(staff.id).admin.waitlist.approve({ entryId: e.id });
    expect(result).toMatchObject({ status: "APPROVED", alreadyApproved: false, invitationId: expect.any(String) });

    const updated = await prisma.waitlistEntry.findUniqueOrThrow({ where: { id: e.id } });
    expect(updated).toMatchObject({ status: "APPROVED", approvedById: staff.id, invitationId: result.invitationId });
    expect(updated.approvedAt).toBeInstanceOf(Date);

    const invitation = await prisma.invitation.findUniqueOrThrow({ where: { id: result.invitationId! } });
    expect(invitation).toMatchObject({
      orgId: null,
      email: e.email,
      role: "OWNER",
      invitedById: staff.id,
      tokenHash: null,
      acceptedAt: null,
    });
    const days = (invitation.expiresAt.getTime() - before) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);

    const outbox = await prisma.outboxEvent.findUniqueOrThrow({ where: { jobId: `invite-${invitation.id}` } });
    expect(outbox).toMatchObject({ jobName: "send-invitation", payload: { invitationId: invitation.id } });

    const audit = await prisma.auditEvent.findMany({ where: { targetId: e.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "waitlist.approved",
      actorUserId: staff.id,
      targetType: "WaitlistEntry",
      orgId: null,
    });
  });

  it("is a no-op the second time, and two concurrent approvals make one invitation", async () => {
    const staff = await createTestUser({ isStaff: true });
    const other = await createTestUser({ isStaff: true });
    const e = await entry("CONFIRMED");
    const [a, b] = await Promise.all([
      callerAs(staff.id).admin.waitlist.approve({ entryId: e.id }),
      callerAs(other.id).admin.waitlist.approve({ entryId: e.id }),
    ]);
    expect([a.alreadyApproved, b.alreadyApproved].sort()).toEqual([false, true]);
    expect(a.invitationId).toBe(b.invitationId);
    const again = await callerAs(staff.id).admin.waitlist.approve({ entryId: e.id });
    expect(again).toEqual({ status: "APPROVED", invitationId: a.invitationId, alreadyApproved: true });

    expect(await prisma.invitation.count({ where: { email: e.email } })).toBe(1);
    expect(
      await prisma.outboxEvent.count({
        where: { jobName: "send-invitation", payload: { equals: { invitationId: a.invitationId } } },
      }),
    ).toBe(1);
    expect(await prisma.auditEvent.count({ where: { targetId: e.id } })).toBe(1);
  });

  it("refuses an unconfirmed entry (CONFLICT) and an unknown one (NOT_FOUND)", async () => {
    const staff = await createTestUser({ isStaff: true });
    const e = await entry("PENDING");
    expect(
      codeOf(
        await callerAs(staff.id)
          .admin.waitlist.approve({ entryId: e.id })
          .catch((x: unknown) => x),
      ),
    ).toBe("CONFLICT");
    expect((await prisma.waitlistEntry.findUniqueOrThrow({ where: { id: e.id } })).status).toBe("PENDING");
    expect(await prisma.invitation.count({ where: { email: e.email } })).toBe(0);
    expect(
      codeOf(
        await callerAs(staff.id)
          .admin.waitlist.approve({ entryId: "nope" })
          .catch((x: unknown) => x),
      ),
    ).toBe("NOT_FOUND");
  });

  it("does not exist for non-staff (NOT_FOUND) nor for visitors (UNAUTHORIZED), and changes nothing", async () => {
    const user = await createTestUser();
    const e = await entry("CONFIRMED");
    for (const call of [
      () => callerAs(user.id).admin.waitlist.approve({ entryId: e.id }),
      () => callerAs(user.id).admin.waitlist.list({}),
      () => callerAs(user.id).admin.waitlist.export({}),
    ]) {
      expect(codeOf(await call().catch((x: unknown) => x))).toBe("NOT_FOUND");
    }
    expect(
      codeOf(
        await callerAs(null)
          .admin.waitlist.approve({ entryId: e.id })
          .catch((x: unknown) => x),
      ),
    ).toBe("UNAUTHORIZED");
    expect(
      codeOf(
        await callerAs(null)
          .admin.waitlist.list({})
          .catch((x: unknown) => x),
      ),
    ).toBe("UNAUTHORIZED");
    expect((await prisma.waitlistEntry.findUniqueOrThrow({ where: { id: e.id } })).status).toBe("CONFIRMED");
  });
});
