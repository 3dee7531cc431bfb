import { expect, test } from "@playwright/test";
import { queueNames } from "@koi/core/job-catalog";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createStaffUser, createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";

const RETRY_FAILED = "/admin/queues/api/queues/email/retry/failed";
const CLEAN_FAILED = "/admin/queues/api/queues/email/clean/failed";

test("signed-in non-staff get a 404 for the queue console and its API", async ({ page }) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg();
  await page.goto("/sign-in");
  await page.waitForLoadState("networkidle");
  await signInWithForm(page, user);
  expect((await page.goto("/admin/queues"))?.status()).toBe(404);
  expect((await page.request.get("/admin/queues/api/queues")).status()).toBe(404);
  expect((await page.request.put(RETRY_FAILED)).status()).toBe(404);
});

test("visitors are sent to sign in", async ({ page }) => {
  await page.goto("/admin/queues");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fadmin%2Fqueues/);
});

test("staff see the queues read-only, and may retry — only retry — after confirming", async ({ page }) => {
  // Four page loads of Bull Board's own bundle plus a sign-in: more than the default 30 s on a busy machine.
  test.setTimeout(90_000);
  await useUniqueIp(page);
  const staff = await createStaffUser();
  await page.goto("/sign-in?callbackUrl=%2Fadmin%2Fqueues");
  await page.waitForLoadState("networkidle");
  await signInWithForm(page, staff, { expectUrl: /\/admin\/queues$/ });

  // Bull Board's own page, with every queue of the job catalog.
  await expect(page.getByText("Koi queues (read-only)").first()).toBeVisible();
  const queues = (await (await page.request.get("/admin/queues/api/queues")).json()) as {
    queues: { name: string; readOnlyMode: boolean }[];
  };
  expect(queues.queues.map((q) => q.name).sort()).toEqual([...queueNames].sort());
  expect(queues.queues.every((q) => q.readOnlyMode)).toBe(true);
  await expect(page.getByRole("link", { name: /email/ }).first()).toBeVisible();
  expect((await page.request.put(RETRY_FAILED)).status()).toBe(403);

  // Bull Board's user menu links to the confirmation page.
  expect(await page.locator("#__UI_CONFIG__").textContent()).toContain("/admin/queue-retries");
  await page.goto("/admin/queue-retries");
  await expect(page.getByRole("heading", { name: "Retry failed jobs" })).toBeVisible();
  await page.getByRole("button", { name: /Allow retries for 10 minutes/ }).click();
  await expect(page).toHaveURL(/\/admin\/queues$/);
  await expect(page.getByText("Koi queues (retries allowed)").first()).toBeVisible();

  expect((await page.request.put(RETRY_FAILED)).status()).toBeLessThan(300);
  expect((await page.request.put(CLEAN_FAILED)).status()).toBe(403);

  await page.goto("/admin/queue-retries");
  await page.getByRole("button", { name: "Back to read-only" }).click();
  await expect(page.getByText("Koi queues (read-only)").first()).toBeVisible();
  expect((await page.request.put(RETRY_FAILED)).status()).toBe(403);
});
