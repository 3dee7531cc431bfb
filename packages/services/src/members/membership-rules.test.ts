import { describe, expect, it } from "vitest";
import type { TRole } from "./role.schema.ts";
import { inviteRefusal, removalRefusal, roleChangeRefusal } from "./membership-rules.ts";

const code = (e: { code: string } | null) => e?.code ?? "ok";

describe("inviteRefusal", () => {
  it.each<[TRole, TRole, string]>([
    ["OWNER", "OWNER", "ok"],
    ["ADMIN", "OWNER", "FORBIDDEN"],
    ["ADMIN", "ADMIN", "ok"],
    ["ADMIN", "VIEWER", "ok"],
  ])("%s inviting %s → %s", (actorRole, role, expected) => {
    expect(code(inviteRefusal({ actorRole, role }))).toBe(expected);
  });
});

describe("roleChangeRefusal", () => {
  it.each<[TRole, TRole, TRole, number, string]>([
    // actor, current, new, owners, expected
    ["ADMIN", "MEMBER", "VIEWER", 1, "ok"],
    ["ADMIN", "MEMBER", "ADMIN", 1, "ok"],
    ["ADMIN", "MEMBER", "OWNER", 1, "FORBIDDEN"],
    ["ADMIN", "OWNER", "ADMIN", 2, "FORBIDDEN"],
    ["MEMBER", "VIEWER", "MEMBER", 1, "FORBIDDEN"],
    ["OWNER", "ADMIN", "OWNER", 1, "ok"],
    ["OWNER", "OWNER", "ADMIN", 2, "ok"],
    ["OWNER", "OWNER", "ADMIN", 1, "CONFLICT"],
    ["OWNER", "OWNER", "VIEWER", 1, "CONFLICT"],
  ])("%s changing %s → %s with %i owner(s) → %s", (actorRole, currentRole, newRole, ownerCount, expected) => {
    expect(code(roleChangeRefusal({ actorRole, currentRole, newRole, ownerCount }))).toBe(expected);
  });
});

describe("removalRefusal", () => {
  it.each<[TRole, boolean, TRole, number, string]>([
    // actor, self, target, owners, expected
    ["VIEWER", true, "VIEWER", 1, "ok"],
    ["MEMBER", false, "VIEWER", 1, "FORBIDDEN"],
    ["ADMIN", false, "MEMBER", 1, "ok"],
    ["ADMIN", false, "ADMIN", 1, "ok"],
    ["ADMIN", false, "OWNER", 2, "FORBIDDEN"],
    ["OWNER", false, "OWNER", 2, "ok"],
    ["OWNER", true, "OWNER", 2, "ok"],
    ["OWNER", true, "OWNER", 1, "CONFLICT"],
  ])("%s (self: %s) removing %s with %i owner(s) → %s", (actorRole, isSelf, targetRole, ownerCount, expected) => {
    expect(code(removalRefusal({ actorRole, isSelf, targetRole, ownerCount }))).toBe(expected);
  });

  it("tells the last owner how to leave", () => {
    expect(removalRefusal({ actorRole: "OWNER", isSelf: true, targetRole: "OWNER", ownerCount: 1 })?.message).toMatch(
      /make someone else owner/,
    );
  });
});
