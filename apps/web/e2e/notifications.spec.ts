import { expect, test } from "@playwright/test";
import { prisma } from "@koi/db";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { signInWithForm } from "./helpers/sign-in.ts";

test("an admin sets the org's alert webhook and email; a member can only look", async ({ page }) => {
  await useUniqueIp(page);
  const admin = await createUserWithOrg({ role: "ADMIN" });
  await signInWithForm(page, admin);
  await page.goto(`/o/${admin.orgSlug}/settings/members`);
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Notifications" }).click();
  await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  // A new org's alerts are on with nowhere to go: the page says so until a destination is saved.
  const nowhere = page.getByText("Alerts are on but go nowhere");
  await expect(nowhere).toBeVisible();

  await page.getByLabel("Webhook URL").fill("http://hooks.example.com/koi");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Use an https:// URL to a public host.")).toBeVisible();

  await page.getByLabel("Webhook URL").fill("https://hooks.example.com/koi");
  await page.getByLabel("Email").fill("oncall@example.com");
  await page.getByLabel("a workload's spend passes its budget").uncheck();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await expect(page.getByText(/Last changed/)).toBeVisible();
  await expect(nowhere).toHaveCount(0);
  expect(await prisma.notificationSetting.findUniqueOrThrow({ where: { orgId: admin.orgId } })).toMatchObject({
    webhookUrl: "https://hooks.example.com/koi",
    email: "oncall@example.com",
    sloAtRisk: true,
    budget: false,
  });

  await page.reload();
  await expect(page.getByLabel("Webhook URL")).toHaveValue("https://hooks.example.com/koi");
});

test("a member sees the settings read-only, and the webhook's domain but not its secret", async ({ page }) => {
  await useUniqueIp(page);
  const member = await createUserWithOrg({ role: "MEMBER" });
  await prisma.notificationSetting.create({
    data: { orgId: member.orgId, webhookUrl: "https://hooks.example.com/services/T0/B0/SECRET", email: null },
  });
  await signInWithForm(page, member);
  await page.goto(`/o/${member.orgSlug}/settings/notifications`);
  await expect(page.getByText("Only admins and owners can change where alerts go.")).toBeVisible();
  await expect(page.getByLabel("Webhook URL")).toBeDisabled();
  await expect(page.getByLabel("Webhook URL")).toHaveValue("https://…example.com/…");
  await expect(page.getByRole("button", { name: "Save" })).toHaveCount(0);
});
