import { describe, expect, it } from "vitest";
import { invitationState } from "./invitation-state.ts";

const now = new Date("2026-05-01T12:00:00Z");
const later = new Date("2026-05-08T12:00:00Z");

describe("invitationState", () => {
  it.each([
    [{ acceptedAt: null, revokedAt: null, expiresAt: later }, "valid"],
    [{ acceptedAt: now, revokedAt: null, expiresAt: later }, "accepted"],
    [{ acceptedAt: null, revokedAt: now, expiresAt: later }, "revoked"],
    [{ acceptedAt: null, revokedAt: null, expiresAt: now }, "expired"],
    [{ acceptedAt: now, revokedAt: now, expiresAt: now }, "accepted"],
  ] as const)("%o → %s", (inv, expected) => {
    expect(invitationState(inv, now)).toBe(expected);
  });
});
