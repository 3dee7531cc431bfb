import { randomBytes } from "node:crypto";
import { expect, type Page } from "@playwright/test";

/** A fresh address per spec: waitlist emails are unique, and specs never share one. */
export const waitlistEmail = () => `e2e-wl-${randomBytes(5).toString("hex")}@example.test`;

export const validWaitlistInput = (email = waitlistEmail()) => ({
  email,
  name: "Wanda Waitlist",
  company: "E2E Inference Co",
  fleetSize: "9-64",
  workloadType: "BATCH",
});

/** Fills the landing-page form the way a visitor would; submitting is left to the spec. */
export async function fillWaitlistForm(page: Page, input: { email: string; name: string; company: string }) {
  const form = page.getByRole("form", { name: "Join the waitlist" });
  await form.getByLabel("Work email").fill(input.email);
  await form.getByLabel("Name", { exact: true }).fill(input.name);
  await form.getByLabel("Company").fill(input.company);
  await form.getByLabel("GPU fleet size").selectOption({ label: "9–64 GPUs" });
  await form.getByLabel("Batch jobs").check();
  return form;
}

/** POSTs `waitlist.join` as the browser's tRPC client does (same-origin JSON, non-batched). */
export function joinWaitlistRequest(input: unknown, headers: Record<string, string>) {
  return {
    url: "/api/trpc/waitlist.join",
    options: { data: { json: input }, headers: { "content-type": "application/json", ...headers } },
  };
}

export async function expectCheckInbox(page: Page) {
  await expect(page.getByRole("heading", { name: "Check your inbox to confirm" })).toBeVisible();
}
