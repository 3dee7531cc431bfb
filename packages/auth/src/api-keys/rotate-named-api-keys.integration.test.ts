import { afterAll, describe, expect, it } from "vitest";
import { getRedis } from "@koi/core/redis";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { hashApiKey, isWellFormedApiKey } from "./api-key-format.ts";
import { createApiKey } from "./manage-api-keys.ts";
import { rotateNamedApiKeys } from "./rotate-named-api-keys.ts";

afterAll(async () => {
  await getRedis().quit();
});

const KEYS = [
  { name: "agent orca-a", scopes: ["engine" as const] },
  { name: "scenario", scopes: ["workloads:read" as const, "workloads:write" as const] },
];

describe("rotateNamedApiKeys (demo agent keys)", () => {
  it("creates the keys with only their hash stored, and revokes the previous ones at the next run", async () => {
    const org = await createTestOrg();
    const other = await createApiKey({
      orgId: org.id,
      actorUserId: null,
      name: "ci key",
      scopes: ["engine"],
      expiresAt: null,
    });
    const first = await rotateNamedApiKeys({ orgId: org.id, namePrefix: "demo: ", keys: KEYS });
    expect(first.revokedIds).toEqual([]);
    expect(first.created.map((k) => k.name)).toEqual(["agent orca-a", "scenario"]);
    for (const k of first.created) {
      expect(isWellFormedApiKey(k.secret)).toBe(true);
      const row = await prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } });
      expect(row.keyHash).toBe(hashApiKey(k.secret));
      expect(JSON.stringify(row)).not.toContain(k.secret);
      expect(row.name).toBe(`demo: ${k.name}`);
    }
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: first.created[1]!.id } })).scopes).toEqual([
      "workloads:read",
      "workloads:write",
    ]);

    const second = await rotateNamedApiKeys({ orgId: org.id, namePrefix: "demo: ", keys: KEYS });
    expect(second.revokedIds.sort()).toEqual(first.created.map((k) => k.id).sort());
    const rows = await prisma.apiKey.findMany({ where: { orgId: org.id } });
    expect(
      rows
        .filter((r) => r.revokedAt === null)
        .map((r) => r.id)
        .sort(),
    ).toEqual([other.key.id, ...second.created.map((k) => k.id)].sort());
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: "api_key.revoked" } })).toBe(2);
  });
});
