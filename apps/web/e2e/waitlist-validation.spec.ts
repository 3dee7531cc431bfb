import { expect, test } from "@playwright/test";
import { ipHeaders, useUniqueIp } from "./support/ip.ts";
import { joinWaitlistRequest, validWaitlistInput } from "./support/waitlist.ts";

test("bad waitlist input shows a message beside each field and sends nothing", async ({ page }) => {
  await useUniqueIp(page);
  let calls = 0;
  page.on("request", (req) => {
    if (req.url().includes("/api/trpc/waitlist.join")) calls++;
  });
  await page.goto("/");
  const form = page.getByRole("form", { name: "Join the waitlist" });
  await form.getByLabel("Work email").fill("not-an-email");
  await form.getByRole("button", { name: "Join the waitlist" }).click();

  await expect(form.getByText("Enter a valid email address")).toBeVisible();
  await expect(form.getByText("Enter your name")).toBeVisible();
  await expect(form.getByText("Enter your company")).toBeVisible();
  await expect(form.getByText("Choose your GPU fleet size")).toBeVisible();
  await expect(form.getByText("Choose a workload type")).toBeVisible();
  await expect(form.getByLabel("Work email")).toHaveAttribute("aria-invalid", "true");

  // Fixing a field clears its message.
  await form.getByLabel("Work email").fill("fixed@example.test");
  await form.getByLabel("Name", { exact: true }).fill("Fixed Name");
  await form.getByRole("button", { name: "Join the waitlist" }).click();
  await expect(form.getByText("Enter a valid email address")).toHaveCount(0);
  await expect(form.getByText("Enter your name")).toHaveCount(0);
  expect(calls).toBe(0);
});

test("the server refuses bad input with 400 and per-field messages", async ({ request }) => {
  const { url, options } = joinWaitlistRequest({ ...validWaitlistInput(), email: "nope", name: "" }, ipHeaders());
  const res = await request.post(url, options);
  expect(res.status()).toBe(400);
  const body = await res.json();
  expect(body.error.json.data.fieldErrors).toEqual({ email: "Enter a valid email address", name: "Enter your name" });
});
