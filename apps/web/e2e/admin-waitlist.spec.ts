import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { prisma } from "@koi/db";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createStaffUser, createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";

test("signed-in non-staff get a 404 for the admin waitlist and its CSV", async ({ page }) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg();
  await page.goto("/sign-in");
  // The sign-in form submits natively if clicked before hydration; let the page settle first.
  await page.waitForLoadState("networkidle");
  await signInWithForm(page, user);
  const res = await page.goto("/admin/waitlist");
  expect(res?.status()).toBe(404);
  expect((await page.request.get("/admin/waitlist/export.csv")).status()).toBe(404);
});

test("staff filter the waitlist, see counts, and export a spreadsheet-safe CSV", async ({ page }) => {
  await useUniqueIp(page);
  const tag = randomBytes(4).toString("hex");
  const hostile = `=HYPERLINK("http://evil.example","${tag}")`;
  await prisma.waitlistEntry.create({
    data: {
      email: `e2e-csv-${tag}@example.test`,
      name: hostile,
      company: `Csv, "Quoted" ${tag}`,
      fleetSize: "513+",
      workloadType: "ONLINE",
      status: "CONFIRMED",
      confirmedAt: new Date(),
    },
  });
  await prisma.waitlistEntry.create({
    data: {
      email: `e2e-pending-${tag}@example.test`,
      name: "Pending Person",
      company: `Pending ${tag}`,
      fleetSize: "none",
      workloadType: "BATCH",
    },
  });

  const staff = await createStaffUser();
  await page.goto("/sign-in?callbackUrl=%2Fadmin%2Fwaitlist");
  await page.waitForLoadState("networkidle");
  await signInWithForm(page, staff, { expectUrl: /\/admin\/waitlist$/ });
  await expect(page.getByRole("heading", { name: "Waitlist" })).toBeVisible();

  await page.getByRole("searchbox", { name: "Search" }).fill(tag);
  await page.getByLabel("Status", { exact: true }).selectOption("PENDING");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`status=PENDING`));
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Waiting for email confirmation");
  await expect(page.getByRole("link", { name: /^Unconfirmed\s*\d+$/ })).toHaveAttribute("aria-current", "page");

  const download = await page.request.get(`/admin/waitlist/export.csv?q=${tag}`);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-type"]).toContain("text/csv");
  expect(download.headers()["content-disposition"]).toMatch(
    /^attachment; filename="koi-waitlist-\d{4}-\d{2}-\d{2}\.csv"$/,
  );
  const csv = await download.text();
  const lines = csv
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");
  expect(lines[0]).toBe("id,email,name,company,fleet_size,workload_type,status,joined_at,confirmed_at,approved_at");
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""${tag}"")"`);
  expect(lines[1]).toContain(`"Csv, ""Quoted"" ${tag}"`);
  expect(lines[1]).toContain(",513+ GPUs,Online serving,CONFIRMED,");
});
