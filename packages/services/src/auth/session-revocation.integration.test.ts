import type { JWT } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { buildAuthConfig } from "@koi/auth/auth-config";
import { createSecretToken } from "@koi/core/secret-token";
import { prisma } from "@koi/db";
import { addTestMember, createTestOrg, createTestUser } from "@koi/db/factories";
import { removeMember } from "../members/remove-member.ts";
import { resetPassword } from "./reset-password.ts";

// Auth.js runs the jwt callback on every request that reads the session: null ends the session.
const config = buildAuthConfig();
type TJwtCallback = NonNullable<NonNullable<typeof config.callbacks>["jwt"]>;
type TSignOutEvent = NonNullable<NonNullable<typeof config.events>["signOut"]>;
const jwt = (params: { token: JWT; user?: { id: string } }) =>
  config.callbacks!.jwt!(params as Parameters<TJwtCallback>[0]);
const signOutEvent = (token: JWT) => config.events!.signOut!({ token } as Parameters<TSignOutEvent>[0]);

async function signedIn(userId: string): Promise<JWT> {
  const token = await jwt({ token: { sub: userId }, user: { id: userId } });
  expect(token).not.toBeNull();
  expect(await jwt({ token: token! })).not.toBeNull();
  return token!;
}

describe("sessions end", () => {
  it("on sign-out: the same token is refused afterwards", async () => {
    const user = await createTestUser();
    const token = await signedIn(user.id);
    await signOutEvent(token);
    expect(await jwt({ token })).toBeNull();
    // A fresh sign-in works again.
    await signedIn(user.id);
  });

  it("on a password reset, on every device", async () => {
    const user = await createTestUser();
    const [laptop, phone] = [await signedIn(user.id), await signedIn(user.id)];
    const { token, tokenHash } = createSecretToken();
    await prisma.passwordResetToken.create({
      data: { userId: user.id, tokenHash, expiresAt: new Date(Date.now() + 3_600_000) },
    });
    await resetPassword(token, "a-new-password-2026");
    expect(await jwt({ token: laptop })).toBeNull();
    expect(await jwt({ token: phone })).toBeNull();
  });

  it("on removal from an org by an admin, not when leaving", async () => {
    const owner = await createTestUser();
    const org = await createTestOrg({ ownerId: owner.id });
    const removed = await addTestMember(org.id, "MEMBER");
    const leaver = await addTestMember(org.id, "MEMBER");
    const [removedToken, leaverToken] = [await signedIn(removed.id), await signedIn(leaver.id)];
    const membership = (userId: string) =>
      prisma.membership.findFirstOrThrow({ where: { orgId: org.id, userId } }).then((m) => m.id);
    await removeMember({ orgId: org.id, userId: owner.id, role: "OWNER" }, await membership(removed.id));
    await removeMember({ orgId: org.id, userId: leaver.id, role: "MEMBER" }, await membership(leaver.id));
    expect(await jwt({ token: removedToken })).toBeNull();
    expect(await jwt({ token: leaverToken })).not.toBeNull();
  });
});
