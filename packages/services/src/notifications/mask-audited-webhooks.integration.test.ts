import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";

const MIGRATION = new URL(
  "../../../../prisma/migrations/20261207080000_mask_audited_webhook_hosts/migration.sql",
  import.meta.url,
);

describe("the migration masking webhook hosts in old settings audits", () => {
  it("keeps the last two labels of a name and nothing of an address, and changes nothing run again", async () => {
    const org = await createTestOrg();
    const hosts = [
      "eot0ken.m.pipedream.net",
      "hooks.slack.com:8443",
      "example.com",
      "hooks.example.com.",
      "203.0.113.7:8080",
      "[2001:db8::1]:443",
      "[2001:db8::1]",
    ];
    for (const webhookHost of hosts)
      await prisma.auditEvent.create({
        data: { orgId: org.id, action: "notifications.updated", targetType: "org", data: { webhookHost, email: null } },
      });
    const cleared = await prisma.auditEvent.create({
      data: { orgId: org.id, action: "notifications.updated", targetType: "org", data: { webhookHost: null } },
    });
    const other = await prisma.auditEvent.create({
      data: { orgId: org.id, action: "member.removed", targetType: "user", data: { webhookHost: "a.b.example.com" } },
    });
    const masked = async () =>
      (
        await prisma.auditEvent.findMany({
          where: { orgId: org.id, action: "notifications.updated", id: { not: cleared.id } },
        })
      )
        .map((e) => (e.data as { webhookHost: string }).webhookHost)
        .sort();
    const expected = ["…", "…", "…", "…example.com", "…pipedream.net", "…slack.com", "example.com"].sort();

    await prisma.$executeRawUnsafe(await readFile(MIGRATION, "utf8"));
    expect(await masked()).toEqual(expected);
    expect((await prisma.auditEvent.findUniqueOrThrow({ where: { id: cleared.id } })).data).toEqual({
      webhookHost: null,
    });
    expect((await prisma.auditEvent.findUniqueOrThrow({ where: { id: other.id } })).data).toEqual({
      webhookHost: "a.b.example.com",
    });
    await prisma.$executeRawUnsafe(await readFile(MIGRATION, "utf8"));
    expect(await masked()).toEqual(expected);
  });
});
