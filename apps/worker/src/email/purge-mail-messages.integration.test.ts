import { randomBytes } from "node:crypto";
import { prisma } from "@koi/db";
import { describe, expect, it } from "vitest";
import { MAIL_RETENTION_MS, purgeMailMessages } from "./purge-mail-messages.ts";

const store = (createdAt: Date) =>
  prisma.mailMessage.create({
    data: {
      dedupKey: `purge-${randomBytes(6).toString("hex")}`,
      to: "someone@example.test",
      subject: "Reset your password",
      text: "http://localhost:3000/reset-password?token=abc",
      transport: "store",
      createdAt,
    },
  });

describe("purgeMailMessages", () => {
  it("deletes stored mail older than the longest link's lifetime and keeps the rest", async () => {
    const now = new Date();
    const old = await store(new Date(now.getTime() - MAIL_RETENTION_MS - 60_000));
    const recent = await store(new Date(now.getTime() - MAIL_RETENTION_MS + 60_000));

    expect(await purgeMailMessages(prisma, now)).toBeGreaterThanOrEqual(1);
    expect(await prisma.mailMessage.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await prisma.mailMessage.findUnique({ where: { id: recent.id } })).not.toBeNull();
  });
});
