import { expect, test, type Page } from "@playwright/test";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { seedRunningWorkload } from "./support/seed-running-workload.ts";

/** What has keyboard focus, as a person would name it: its role-ish tag, id and text. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? null,
      id: el?.id ?? "",
      text: (el?.getAttribute("aria-label") ?? el?.textContent ?? "").trim(),
    };
  });
}

/** Tab presses from the top of the page until `name` has focus; fails after `max`. */
async function tabsUntil(page: Page, name: string, max = 60) {
  for (let n = 1; n <= max; n++) {
    await page.keyboard.press("Tab");
    if ((await focused(page)).text === name) return n;
  }
  throw new Error(`"${name}" not reached in ${max} Tab presses`);
}

test("the first Tab stop is a skip link that takes the keyboard past the header to the form", async ({ page }) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Keyboard Org" });
  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/workloads/new`);
  await expect(page.getByRole("button", { name: "Submit workload" })).toBeVisible();

  const withoutSkip = await tabsUntil(page, "Submit workload");
  await page.goto(`/o/${user.orgSlug}/workloads/new`);
  await expect(page.getByRole("button", { name: "Submit workload" })).toBeVisible();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  expect((await focused(page)).id).toBe("main");
  const withSkip = 2 + (await tabsUntil(page, "Submit workload"));
  // The header's links (logo, org menu, five sections, account menu) are skipped.
  expect(withSkip).toBeLessThanOrEqual(withoutSkip - 7);
});

test("after signing in, focus is on the new page's main content, not the page body", async ({ page }) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg();
  await page.goto("/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByLabel("Password", { exact: true }).press("Enter");
  await expect(page).toHaveURL(new RegExp(`/o/${user.orgSlug}$`), { timeout: 20_000 });
  await expect.poll(async () => (await focused(page)).id).toBe("main");
});

test("form errors are tied to their fields, and a failed submit takes focus to the first one", async ({ page }) => {
  await useUniqueIp(page);
  await page.goto("/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Sign in" }).click();
  const email = page.getByLabel("Email");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(email).toHaveAccessibleDescription(/email/i);

  const user = await createUserWithOrg({ orgName: "Form Errors Org" });
  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/workloads/new`);
  await page.getByLabel("Model").fill("");
  await page.getByLabel("Requests", { exact: true }).fill("");
  await page.getByRole("button", { name: "Submit workload" }).click();
  const model = page.getByLabel("Model");
  await expect(model).toBeFocused();
  await expect(model).toHaveAttribute("aria-invalid", "true");
  await expect(model).toHaveAccessibleDescription(/.+/);
  await expect(page.getByLabel("Requests", { exact: true })).toHaveAttribute("aria-invalid", "true");
});

test("cancelling a workload moves focus with the question: to Keep running, back, then to the new status", async ({
  page,
}) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Cancel Focus Org" });
  const { workload } = await seedRunningWorkload(user.orgId);
  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/workloads/${workload.id}`);

  const start = page.getByRole("button", { name: "Cancel workload" });
  await start.focus();
  await page.keyboard.press("Enter");
  const question = page.getByRole("group", { name: "Stop it and release its GPUs?" });
  await expect(question.getByRole("button", { name: "Keep running" })).toBeFocused();
  // "Yes, cancel" is visible, red, and one Tab away (it used to be white on #fafafa).
  await expect(question.getByRole("button", { name: "Yes, cancel" })).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(start).toBeFocused();

  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+Tab");
  await expect(question.getByRole("button", { name: "Yes, cancel" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByText("cancelled", { exact: true })).toBeVisible();
  await expect.poll(async () => (await focused(page)).id).toBe("workload-status");
});

test("a form replaced by its result hands focus to the result", async ({ page }) => {
  await useUniqueIp(page);
  await page.goto("/forgot-password");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill("nobody-at-all@example.test");
  await page.getByLabel("Email").press("Enter");
  const sent = page.getByRole("status").filter({ hasText: "If an account exists for nobody-at-all@example.test" });
  await expect(sent).toBeFocused();
});
