import { afterAll, describe, expect, it, vi } from "vitest";
import { createTestOrg } from "@koi/db/factories";
import { getPrisma } from "@koi/db";
import { ApiKeyCache } from "./api-key-cache.ts";
import { apiKeyCache } from "./api-key-cache.ts";
import { generateApiKey } from "./api-key-format.ts";
import { createApiKey, revokeApiKey } from "./manage-api-keys.ts";
import { verifyApiKey } from "./verify-api-key.ts";

const waitFor = async (check: () => Promise<boolean> | boolean, timeoutMs: number) => {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("timed out");
};

afterAll(async () => {
  await apiKeyCache().stop();
});

describe("verifyApiKey", () => {
  it("accepts a live key with the scope and answers 401/403 otherwise", async () => {
    const org = await createTestOrg();
    const { secret } = await createApiKey({
      orgId: org.id,
      actorUserId: null,
      name: "engine",
      scopes: ["engine"],
      expiresAt: null,
    });
    await waitFor(
      () =>
        verifyApiKey(secret, "engine").then(
          () => true,
          () => false,
        ),
      3000,
    );
    await expect(verifyApiKey(secret, "engine")).resolves.toMatchObject({ orgId: org.id });
    await expect(verifyApiKey(secret, "workloads:write")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(verifyApiKey(null, "engine")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(verifyApiKey(generateApiKey(), "engine")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("rejects a bad checksum without a database query", async () => {
    const spy = vi.spyOn(getPrisma().apiKey, "findUnique");
    const key = generateApiKey();
    const tampered = key.slice(0, -1) + (key.endsWith("a") ? "b" : "a");
    await expect(verifyApiKey(tampered, "engine")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(verifyApiKey("koi_live_garbage", "engine")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it("rejects expired keys", async () => {
    const org = await createTestOrg();
    const { secret } = await createApiKey({
      orgId: org.id,
      actorUserId: null,
      name: "old",
      scopes: ["admin"],
      expiresAt: new Date(Date.now() - 1000),
    });
    await expect(verifyApiKey(secret, "engine")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("revocation reaches another process's warm cache within 5 s, and is audited", async () => {
    const org = await createTestOrg();
    const { key, secret } = await createApiKey({
      orgId: org.id,
      actorUserId: null,
      name: "to revoke",
      scopes: ["engine"],
      expiresAt: null,
    });
    // A second cache stands in for another web process: warm it, then revoke from "this" one.
    const other = new ApiKeyCache();
    other.start();
    await waitFor(() => {
      other.set(
        key.keyHash,
        { id: key.id, orgId: org.id, scopes: ["engine"], expiresAt: null, revokedAt: null },
        other.generation(),
      );
      return other.get(key.keyHash) !== undefined;
    }, 3000);
    await verifyApiKey(secret, "engine");
    await revokeApiKey({ orgId: org.id, actorUserId: null, keyId: key.id });
    const ms = await waitFor(() => other.get(key.keyHash) === undefined, 5000);
    expect(ms).toBeLessThan(5000);
    await expect(verifyApiKey(secret, "engine")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const audit = await getPrisma().auditEvent.findMany({ where: { orgId: org.id, targetId: key.id } });
    expect(audit.map((a) => a.action).sort()).toEqual(["api_key.created", "api_key.revoked"]);
    await other.stop();
  });

  it("a lookup that read the row before a revocation arrived does not cache the stale row", async () => {
    const cache = new ApiKeyCache();
    cache.start();
    const row = { id: "k1", orgId: "o1", scopes: ["engine"], expiresAt: null, revokedAt: null };
    await waitFor(() => {
      cache.set("probe", null, cache.generation());
      return cache.get("probe") !== undefined;
    }, 3000);
    const before = cache.generation(); // the lookup starts: generation taken, row read from Postgres…
    cache.evict("hash-1"); // …the revocation message arrives meanwhile…
    cache.set("hash-1", row, before); // …and the lookup finishes with the row it read.
    expect(cache.get("hash-1")).toBeUndefined();
    cache.set("hash-1", row, cache.generation());
    expect(cache.get("hash-1")?.key).toEqual(row);
    await cache.stop();
  });

  it("another org cannot revoke the key", async () => {
    const [a, b] = [await createTestOrg(), await createTestOrg()];
    const { key } = await createApiKey({
      orgId: a.id,
      actorUserId: null,
      name: "a",
      scopes: ["engine"],
      expiresAt: null,
    });
    await expect(revokeApiKey({ orgId: b.id, actorUserId: null, keyId: key.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await getPrisma().apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toBeNull();
  });

  it("writes lastUsedAt at most once a minute", async () => {
    const org = await createTestOrg();
    const { key, secret } = await createApiKey({
      orgId: org.id,
      actorUserId: null,
      name: "busy",
      scopes: ["engine"],
      expiresAt: null,
    });
    const t0 = Date.now();
    await verifyApiKey(secret, "engine", t0);
    await waitFor(
      async () => (await getPrisma().apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt !== null,
      3000,
    );
    const first = (await getPrisma().apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt;
    for (let i = 1; i <= 20; i++) await verifyApiKey(secret, "engine", t0 + i * 1000);
    await new Promise((r) => setTimeout(r, 200));
    const after = (await getPrisma().apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt;
    expect(after?.getTime()).toBe(first?.getTime());
  });
});
