import { expect, type Page } from "@playwright/test";

/** Signs in through the real form, as a person would; waits until the app has moved on. */
export async function signInWithForm(
  page: Page,
  user: { email: string; password: string },
  opts: { expectUrl?: RegExp } = {},
) {
  if (!new URL(page.url(), "http://x").pathname.startsWith("/sign-in")) await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(opts.expectUrl ?? /\/o\/[a-z0-9-]+$/, { timeout: 20_000 });
}

export async function signOutWithMenu(page: Page) {
  await page.getByRole("button", { name: /^Account menu for/ }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}
