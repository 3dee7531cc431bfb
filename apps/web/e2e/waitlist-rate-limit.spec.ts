import { expect, test } from "@playwright/test";
import { ipHeaders, uniqueIp } from "./support/ip.ts";
import { fillWaitlistForm, joinWaitlistRequest, validWaitlistInput, waitlistEmail } from "./support/waitlist.ts";

// The e2e server runs with KOI_WAITLIST_LIMIT_PER_HOUR=5 (support/global-setup.ts).
const LIMIT = 5;

test("past the per-IP limit, joining answers 429 with Retry-After, and the form says when to retry", async ({
  page,
  request,
}) => {
  const ip = uniqueIp();
  for (let i = 0; i < LIMIT; i++) {
    const { url, options } = joinWaitlistRequest(validWaitlistInput(), ipHeaders(ip));
    expect((await request.post(url, options)).status()).toBe(200);
  }
  const { url, options } = joinWaitlistRequest(validWaitlistInput(), ipHeaders(ip));
  const limited = await request.post(url, options);
  expect(limited.status()).toBe(429);
  const retryAfter = Number(limited.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(3600);
  expect((await limited.json()).error.json.data).toMatchObject({
    code: "TOO_MANY_REQUESTS",
    retryAfterSeconds: retryAfter,
  });

  // Another address is not affected.
  const other = joinWaitlistRequest(validWaitlistInput(), ipHeaders());
  expect((await request.post(other.url, other.options)).status()).toBe(200);

  await page.setExtraHTTPHeaders(ipHeaders(ip));
  await page.goto("/");
  const form = await fillWaitlistForm(page, { email: waitlistEmail(), name: "Rita Ratelimit", company: "Burst Inc" });
  await form.getByRole("button", { name: "Join the waitlist" }).click();
  await expect(form.getByRole("alert").filter({ hasText: "Too many sign-ups from your network" })).toContainText(
    /Try again in \d+ minutes/,
  );
  await expect(page.getByRole("heading", { name: "Check your inbox to confirm" })).toHaveCount(0);
});
