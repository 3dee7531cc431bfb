import { expect, test } from "@playwright/test";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createStaffUser } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { latestLinkTo } from "./support/mail.ts";
import { expectCheckInbox, fillWaitlistForm, waitlistEmail } from "./support/waitlist.ts";

test("a visitor joins the waitlist, confirms, is approved by staff, and signs up into their own org", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await useUniqueIp(page);
  const email = waitlistEmail();

  await test.step("join on the landing page", async () => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "Koi" })).toBeVisible();
    const form = await fillWaitlistForm(page, {
      email: email.toUpperCase(),
      name: "Wanda Waitlist",
      company: "E2E Inference Co",
    });
    await form.getByRole("button", { name: "Join the waitlist" }).click();
    await expectCheckInbox(page);
    await expect(page.getByText(email)).toBeVisible();
  });

  await test.step("confirm from the email", async () => {
    const link = await latestLinkTo(email, { subject: /confirm/i });
    expect(new URL(link).pathname).toBe("/waitlist/confirm");
    await page.goto(link);
    await expect(page.getByRole("heading", { name: "You're confirmed" })).toBeVisible();
  });

  await test.step("staff approves it at /admin/waitlist", async () => {
    const staff = await createStaffUser();
    const context = await browser.newContext();
    const staffPage = await context.newPage();
    await useUniqueIp(staffPage);
    await staffPage.goto("/admin/waitlist");
    await expect(staffPage).toHaveURL(/\/sign-in\?callbackUrl=%2Fadmin%2Fwaitlist/);
    // The sign-in form submits natively if clicked before hydration; let the page settle first.
    await staffPage.waitForLoadState("networkidle");
    await signInWithForm(staffPage, staff, { expectUrl: /\/admin\/waitlist$/ });

    await staffPage.getByRole("searchbox", { name: "Search" }).fill(email);
    await staffPage.getByRole("button", { name: "Filter" }).click();
    const row = staffPage.locator(`tr[data-entry-email="${email}"]`);
    await expect(row.getByText("Confirmed")).toBeVisible();
    await row.getByRole("button", { name: `Approve ${email}` }).click();
    await expect(row.getByText(/^Invited/)).toBeVisible();
    await staffPage.reload();
    await expect(
      staffPage.locator(`tr[data-entry-email="${email}"]`).getByText("Approved", { exact: true }),
    ).toBeVisible();
    await context.close();
  });

  await test.step("accept the invitation and land in the dashboard", async () => {
    const link = await latestLinkTo(email, { subject: /access is ready/i });
    expect(new URL(link).pathname).toBe("/invite/accept");
    await page.goto(link);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Your name").fill("Wanda Waitlist");
    await page.getByLabel("Password", { exact: true }).fill(`pw-${Date.now()}-long-enough`);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/o\/[a-z0-9-]+/, { timeout: 20_000 });
  });
});
