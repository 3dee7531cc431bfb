import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { createSecretToken } from "@koi/core/secret-token";
import { prisma } from "@koi/db";
import { callerAs } from "../../test-callers.ts";

/** What the worker does when it mails the link: only the hash is stored. */
async function pendingEntryWithToken() {
  const { token, tokenHash } = createSecretToken();
  const entry = await prisma.waitlistEntry.create({
    data: {
      email: `c-${randomBytes(6).toString("hex")}@example.test`,
      name: "Grace",
      company: "Navy",
      fleetSize: "none",
      workloadType: "ONLINE",
      confirmTokenHash: tokenHash,
    },
  });
  return { token, entry };
}

describe("waitlist.confirm", () => {
  it("confirms the entry whose token hash matches, and is idempotent", async () => {
    const { token, entry } = await pendingEntryWithToken();
    await expect(callerAs(null).waitlist.confirm({ token })).resolves.toEqual({ status: "CONFIRMED" });
    const after = await prisma.waitlistEntry.findUniqueOrThrow({ where: { id: entry.id } });
    expect(after.status).toBe("CONFIRMED");
    expect(after.confirmedAt).toBeInstanceOf(Date);

    await expect(callerAs(null).waitlist.confirm({ token })).resolves.toEqual({ status: "CONFIRMED" });
    const again = await prisma.waitlistEntry.findUniqueOrThrow({ where: { id: entry.id } });
    expect(again.confirmedAt).toEqual(after.confirmedAt);
  });

  it("keeps answering after approval", async () => {
    const { token, entry } = await pendingEntryWithToken();
    await prisma.waitlistEntry.update({ where: { id: entry.id }, data: { status: "APPROVED" } });
    await expect(callerAs(null).waitlist.confirm({ token })).resolves.toEqual({ status: "APPROVED" });
  });

  it("answers NOT_FOUND with a friendly message for an unknown token, and BAD_REQUEST for an empty one", async () => {
    const { entry } = await pendingEntryWithToken();
    const err = await callerAs(null)
      .waitlist.confirm({ token: createSecretToken().token })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("NOT_FOUND");
    expect((err as TRPCError).message).toMatch(/confirmation link is not valid/);
    const empty = await callerAs(null)
      .waitlist.confirm({ token: "" })
      .catch((e: unknown) => e);
    expect((empty as TRPCError).code).toBe("BAD_REQUEST");
    expect((await prisma.waitlistEntry.findUniqueOrThrow({ where: { id: entry.id } })).status).toBe("PENDING");
  });

  it("does not accept the stored hash itself as a token", async () => {
    const { entry } = await pendingEntryWithToken();
    const err = await callerAs(null)
      .waitlist.confirm({ token: entry.confirmTokenHash! })
      .catch((e: unknown) => e);
    expect((err as TRPCError).code).toBe("NOT_FOUND");
  });
});
