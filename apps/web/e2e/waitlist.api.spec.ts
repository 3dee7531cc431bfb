import { expect, test } from "@playwright/test";
import { ipHeaders } from "./support/ip.ts";
import { joinWaitlistRequest, validWaitlistInput, waitlistEmail } from "./support/waitlist.ts";

test("a new and an already-listed email get the same status and the same body", async ({ request }) => {
  const email = waitlistEmail();
  const first = joinWaitlistRequest(validWaitlistInput(email), ipHeaders());
  const again = joinWaitlistRequest({ ...validWaitlistInput(email), name: "Someone Else" }, ipHeaders());
  const a = await request.post(first.url, first.options);
  const b = await request.post(again.url, again.options);
  expect(a.status()).toBe(200);
  expect(b.status()).toBe(a.status());
  expect(await b.text()).toBe(await a.text());
});

test("a cross-site form post to the waitlist is refused", async ({ request }) => {
  const res = await request.post("/api/trpc/waitlist.join", {
    headers: { ...ipHeaders(), "content-type": "text/plain", origin: "https://evil.example" },
    data: JSON.stringify({ json: validWaitlistInput() }),
  });
  expect(res.status()).toBe(403);
});

test("the CSV export and the admin page do not exist for visitors", async ({ request }) => {
  const csv = await request.get("/admin/waitlist/export.csv", { headers: ipHeaders(), maxRedirects: 0 });
  expect(csv.status()).toBe(404);
  const admin = await request.get("/admin/waitlist", { headers: ipHeaders(), maxRedirects: 0 });
  expect([302, 303, 307]).toContain(admin.status());
  expect(admin.headers().location).toContain("/sign-in?callbackUrl=%2Fadmin%2Fwaitlist");
});

test("/dev/mail is not served by a production build", async ({ request }) => {
  expect((await request.get("/dev/mail", { headers: ipHeaders() })).status()).toBe(404);
});

test("an invalid confirmation link says so", async ({ request }) => {
  const res = await request.get("/waitlist/confirm?token=not-a-real-token", { headers: ipHeaders() });
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain("This link doesn");
});
