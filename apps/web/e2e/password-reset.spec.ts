import { expect, test } from "@playwright/test";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { latestLinkTo } from "./support/mail.ts";
import { signInWithForm, signOutWithMenu } from "./helpers/sign-in.ts";

test("a user resets a forgotten password from the emailed link, once", async ({ page }) => {
  test.setTimeout(60_000);
  await useUniqueIp(page);
  const user = await createUserWithOrg();
  const newPassword = `new-${user.password}`;
  const askedAt = new Date();

  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Email me a reset link" }).click();
  await expect(page.getByRole("status").filter({ hasText: `If an account exists for ${user.email}` })).toBeVisible();

  const link = await latestLinkTo(user.email, { after: askedAt, subject: /reset/i });
  expect(new URL(link).pathname).toBe("/reset-password");
  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Repeat the new password").fill(`${newPassword}x`);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("The passwords don't match.")).toBeVisible();
  await page.getByLabel("Repeat the new password").fill(newPassword);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${user.orgSlug}$`), { timeout: 20_000 });

  await signOutWithMenu(page);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid email or password.");
  await signInWithForm(page, { email: user.email, password: newPassword });

  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill("yet another password");
  await page.getByLabel("Repeat the new password").fill("yet another password");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("invalid or has expired");
});
