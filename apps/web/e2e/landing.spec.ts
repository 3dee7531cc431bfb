import { expect, test } from "@playwright/test";

test("the landing page introduces Koi", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: /Koi/ }).first()).toBeVisible();
});
