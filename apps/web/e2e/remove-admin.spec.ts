import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createApiKey } from "@koi/auth/api-keys/manage-api-keys";
import { prisma } from "@koi/db";
import { addTestMember } from "@koi/db/factories";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { signInWithForm } from "./helpers/sign-in.ts";

test("an owner removes an admin: the admin's pending invitation goes, their key stays and is marked for rotation", async ({
  page,
}) => {
  await useUniqueIp(page);
  const owner = await createUserWithOrg({ name: "Olga Owner" });
  const admin = await addTestMember(owner.orgId, "ADMIN", { name: "Frank Admin" });
  const invitee = `e2e-mallory-${randomBytes(4).toString("hex")}@example.test`;
  await prisma.invitation.create({
    data: {
      orgId: owner.orgId,
      email: invitee,
      role: "ADMIN",
      invitedById: admin.id,
      expiresAt: new Date(Date.now() + 7 * 86_400_000),
    },
  });
  const keyName = `agents-${randomBytes(3).toString("hex")}`;
  await createApiKey({ orgId: owner.orgId, actorUserId: admin.id, name: keyName, scopes: ["engine"], expiresAt: null });

  await signInWithForm(page, owner);
  await page.goto(`/o/${owner.orgSlug}/settings/members`);
  const pending = page.getByRole("region", { name: "Pending invitations" });
  await expect(pending.getByText(invitee)).toBeVisible();
  await page.getByRole("button", { name: "Remove Frank Admin" }).click();
  await page.getByRole("button", { name: "Yes, remove Frank Admin" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Frank Admin" })).toHaveCount(0);
  await page.reload();
  await expect(page.getByText("No pending invitations")).toBeVisible();

  await page.goto(`/o/${owner.orgSlug}/settings/api-keys`);
  const row = page.getByRole("row").filter({ hasText: keyName });
  await expect(row.getByText("Its creator is no longer a member; it works until revoked.")).toBeVisible();
  await expect(row.getByRole("button", { name: `Revoke ${keyName}` })).toBeVisible();
});
