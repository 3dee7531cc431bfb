import { expect, test } from "@playwright/test";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { signInWithForm } from "./helpers/sign-in.ts";

test("a user of org B gets 404 for org A's pages, and B's pages keep working", async ({ page }) => {
  await useUniqueIp(page);
  const a = await createUserWithOrg({ orgName: "Org A Secret" });
  const b = await createUserWithOrg({ orgName: "Org B" });
  await signInWithForm(page, b, { expectUrl: new RegExp(`/o/${b.orgSlug}$`) });

  for (const path of [`/o/${a.orgSlug}`, `/o/${a.orgSlug}/settings/members`, `/o/${a.orgSlug}/settings`]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText("Org A Secret")).toHaveCount(0);
    await expect(page.getByText(a.email)).toHaveCount(0);
  }

  await page.goto(`/o/${b.orgSlug}/settings/members`);
  await expect(page.getByRole("heading", { name: "Members of Org B" })).toBeVisible();
  await expect(page.getByRole("cell", { name: b.email })).toBeVisible();
});

test("opening another org you belong to switches the session to it", async ({ page }) => {
  await useUniqueIp(page);
  const first = await createUserWithOrg({ orgName: "First Org" });
  await signInWithForm(page, first, { expectUrl: new RegExp(`/o/${first.orgSlug}$`) });
  await page.getByRole("button", { name: /Switch organization$/ }).click();
  await page.getByRole("link", { name: "New organization" }).click();
  await page.getByLabel("Organization name").fill("Second Org");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(/\/o\/second-org-[0-9a-f]{6}$/);
  await expect(page.getByTestId("current-org")).toHaveText("Second Org");

  // Back to the first by URL: the layout switches the session, then members are the first org's.
  await page.goto(`/o/${first.orgSlug}/settings/members`);
  await expect(page.getByRole("heading", { name: "Members of First Org" })).toBeVisible();
  await expect(page.getByTestId("current-org")).toHaveText("First Org");
});
