import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { latestLinkTo } from "./support/mail.ts";
import { signInWithForm } from "./helpers/sign-in.ts";

test("an owner invites a teammate, who signs up from the email and lands in the org with the role", async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  await useUniqueIp(page);
  const owner = await createUserWithOrg({ name: "Olga Owner", orgName: `Invite Co ${randomBytes(2).toString("hex")}` });
  const invitee = `e2e-invitee-${randomBytes(5).toString("hex")}@example.test`;
  const sentAfter = new Date();

  await test.step("the owner invites by email with a role", async () => {
    await signInWithForm(page, owner);
    await page.getByRole("link", { name: "Settings" }).first().click();
    await expect(page).toHaveURL(new RegExp(`/o/${owner.orgSlug}/settings/members$`));
    await expect(page.getByText("No pending invitations")).toBeVisible();
    await page.getByLabel("Email", { exact: true }).fill(invitee);
    await page.getByLabel("Role", { exact: true }).selectOption("ADMIN");
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Invitation sent to ${invitee}` })).toBeVisible();
    const pending = page.getByRole("region", { name: "Pending invitations" });
    await expect(pending.getByText(invitee)).toBeVisible();
    await expect(pending.getByText("Admin", { exact: true })).toBeVisible();
  });

  await test.step("the invitee signs up from the emailed link in a fresh browser", async () => {
    const link = await latestLinkTo(invitee, { after: sentAfter, subject: /invited/i });
    expect(new URL(link).pathname).toBe("/invite/accept");
    const context = await browser.newContext();
    const invited = await context.newPage();
    await useUniqueIp(invited);
    await invited.goto(link);
    await expect(invited.getByRole("heading", { name: `Join ${owner.orgName} on Koi` })).toBeVisible();
    await expect(invited.getByText("Admin", { exact: true })).toBeVisible();
    await expect(invited.getByLabel("Email")).toHaveValue(invitee);
    await invited.getByLabel("Your name").fill("Ivy Invitee");
    await invited.getByLabel("Password", { exact: true }).fill(`pw-${randomBytes(8).toString("hex")}`);
    await invited.getByRole("button", { name: "Create account" }).click();
    await expect(invited).toHaveURL(new RegExp(`/o/${owner.orgSlug}$`), { timeout: 20_000 });
    await expect(invited.getByTestId("current-org")).toHaveText(owner.orgName);
    await expect(invited.getByTestId("current-role")).toHaveText("Admin");

    // The link worked once.
    await invited.goto(link);
    await expect(invited.getByRole("heading", { name: "This invitation link doesn't work" })).toBeVisible();
    await context.close();
  });

  await test.step("the owner sees the new member and no pending invitation", async () => {
    await page.reload();
    const row = page.getByRole("row").filter({ hasText: invitee });
    await expect(row.getByText("Ivy Invitee")).toBeVisible();
    await expect(row.getByRole("combobox", { name: "Role of Ivy Invitee" })).toHaveValue("ADMIN");
    await expect(page.getByText("No pending invitations")).toBeVisible();
  });
});
