import { describe, expect, it } from "vitest";
import { createSecretToken } from "@koi/core/secret-token";
import { createOwner, http, prisma, sessionUser, signIn, signOut, trpcMutation } from "./support/http.ts";

describe("sessions end when they should, seen by the running server", () => {
  it("a cookie kept after sign-out no longer signs anyone in", async () => {
    const { user, password } = await createOwner();
    const { cookie } = await signIn(user.email, password);
    expect(cookie).not.toBeNull();
    expect(await sessionUser(cookie!)).toBe(user.id);
    await signOut(cookie!);
    expect(await sessionUser(cookie!)).toBeNull();
  });

  it("a signed-in visitor sent to /sign-in with a crafted callbackUrl stays on this site", async () => {
    const { user, password } = await createOwner();
    const { cookie } = await signIn(user.email, password);
    for (const callbackUrl of ["/.//evil.example", "/x/..//evil.example", "/%2e//evil.example"]) {
      const res = await http(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`, {
        headers: { cookie: cookie! },
        redirect: "manual",
      });
      const target = `${res.headers.get("location") ?? ""} ${res.text}`;
      expect(target, callbackUrl).not.toContain("//evil.example");
      expect(target, callbackUrl).toContain("/dashboard");
    }
  });

  it("a password reset ends a session opened before it", async () => {
    const { user, password } = await createOwner();
    const { cookie } = await signIn(user.email, password);
    expect(await sessionUser(cookie!)).toBe(user.id);
    const { token, tokenHash } = createSecretToken();
    await prisma.passwordResetToken.create({
      data: { userId: user.id, tokenHash, expiresAt: new Date(Date.now() + 3_600_000) },
    });
    const reset = await trpcMutation("auth.resetPassword", { token, password: "a-brand-new-password-2026" });
    expect(reset.status).toBe(200);
    expect(await sessionUser(cookie!)).toBeNull();
  });

  it("webhook targets on internal addresses are refused when saved (400), and nothing is stored", async () => {
    const { user, org, password } = await createOwner();
    const { cookie } = await signIn(user.email, password);
    for (const webhookUrl of [
      "http://127.0.0.1:6379/",
      "http://localhost:5432/",
      "https://169.254.169.254/latest/meta-data/",
      "https://10.0.0.5/",
      "https://[fd00:ec2::254]/",
    ]) {
      const res = await trpcMutation(
        "notifications.set",
        { webhookUrl, email: "", sloAtRisk: true, budget: true },
        { cookie: cookie! },
      );
      expect(res.status, webhookUrl).toBe(400);
    }
    expect(await prisma.notificationSetting.findUnique({ where: { orgId: org.id } })).toBeNull();
  });
});
