import { expect, test } from "@playwright/test";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { latestLinkTo } from "./support/mail.ts";
import { signInWithForm } from "./helpers/sign-in.ts";

test("a user who already has an account signs in from the invitation and accepts it", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await useUniqueIp(page);
  const owner = await createUserWithOrg({ orgName: "Inviting Org" });
  const existing = await createUserWithOrg({ orgName: "Their Own Org" });
  const sentAfter = new Date();

  await signInWithForm(page, owner);
  await page.goto(`/o/${owner.orgSlug}/settings/members`);
  await page.getByLabel("Email", { exact: true }).fill(existing.email);
  await page.getByLabel("Role", { exact: true }).selectOption("VIEWER");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("region", { name: "Pending invitations" }).getByText(existing.email)).toBeVisible();

  const link = await latestLinkTo(existing.email, { after: sentAfter, subject: /invited/i });
  const context = await browser.newContext();
  const invited = await context.newPage();
  await useUniqueIp(invited);
  await invited.goto(link);
  await expect(invited.getByRole("heading", { name: "Join Inviting Org on Koi" })).toBeVisible();
  await invited.getByRole("link", { name: "Sign in to accept" }).click();
  // Wait for the sign-in page with its callback: the helper opens a bare /sign-in while the URL is still the invitation's.
  await expect(invited).toHaveURL(/\/sign-in\?callbackUrl=/);
  await signInWithForm(invited, existing, { expectUrl: /\/invite\/accept\?token=/ });
  await invited.getByRole("button", { name: "Accept invitation" }).click();
  await expect(invited).toHaveURL(new RegExp(`/o/${owner.orgSlug}$`), { timeout: 20_000 });
  await expect(invited.getByTestId("current-org")).toHaveText("Inviting Org");
  await expect(invited.getByTestId("current-role")).toHaveText("Viewer");

  // Their own org is still theirs, one click away.
  await invited.getByRole("button", { name: /Switch organization$/ }).click();
  await invited.getByRole("link", { name: /Their Own Org/ }).click();
  await expect(invited).toHaveURL(new RegExp(`/o/${existing.orgSlug}$`));
  await expect(invited.getByTestId("current-role")).toHaveText("Owner");
  await context.close();
});
