import { expect, test } from "@playwright/test";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { signInWithForm, signOutWithMenu } from "./helpers/sign-in.ts";

test.describe("signing in and out", () => {
  test("a user signs in to their org's overview and signs out again", async ({ page }) => {
    await useUniqueIp(page);
    const user = await createUserWithOrg({ name: "Dana Demo", orgName: "Acme Sign-in" });

    await page.goto("/sign-in");
    await expect(page.getByRole("link", { name: "Forgot your password?" })).toBeVisible();
    await expect(page.getByRole("link", { name: "join the waitlist" })).toBeVisible();
    // No OAuth env in e2e: no OAuth buttons.
    await expect(page.getByRole("button", { name: /Continue with/ })).toHaveCount(0);

    await test.step("a wrong password and an unknown email get the same message", async () => {
      await page.getByLabel("Email").fill(user.email);
      await page.getByLabel("Password", { exact: true }).fill("not-the-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid email or password.");
      await page.getByLabel("Email").fill("nobody-here@example.test");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid email or password.");
    });

    await test.step("the right password opens the org", async () => {
      await signInWithForm(page, user, { expectUrl: new RegExp(`/o/${user.orgSlug}$`) });
      await expect(page.getByRole("heading", { level: 1, name: "Welcome to Acme Sign-in" })).toBeVisible();
      await expect(page.getByTestId("current-role")).toHaveText("Owner");
    });

    await test.step("sign out ends the session", async () => {
      await signOutWithMenu(page);
      await page.goto("/dashboard");
      await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fdashboard$/);
    });
  });

  test("an org page sends a signed-out visitor to sign in and back", async ({ page }) => {
    await useUniqueIp(page);
    const user = await createUserWithOrg({ role: "VIEWER" });
    await page.goto(`/o/${user.orgSlug}/settings/members`);
    await expect(page).toHaveURL(
      new RegExp(`/sign-in\\?callbackUrl=${encodeURIComponent(`/o/${user.orgSlug}/settings/members`)}$`),
    );
    await signInWithForm(page, user, { expectUrl: new RegExp(`/o/${user.orgSlug}/settings/members$`) });
    // A viewer sees the team read-only: no invite form, no role selects.
    await expect(page.getByRole("heading", { name: /^Members of/ })).toBeVisible();
    await expect(page.getByRole("cell", { name: user.email })).toBeVisible();
    await expect(page.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
    await expect(page.getByRole("combobox")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Leave this organization" })).toBeVisible();
  });

  test("too many attempts get a distinct message", async ({ page }) => {
    await useUniqueIp(page);
    const user = await createUserWithOrg();
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill("not-the-password");
    // KOI_AUTH_LIMIT_PER_15_MIN is 10 in e2e runs.
    for (let i = 0; i < 10; i++) {
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid email or password.");
      await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
    }
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/Too many sign-in attempts/);
    await expect(page).toHaveURL(/\/sign-in$/);
  });
});
