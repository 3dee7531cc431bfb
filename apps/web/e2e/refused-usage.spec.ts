import { expect, test } from "@playwright/test";
import { createApiKey } from "@koi/auth/api-keys/manage-api-keys";
import { prisma } from "@koi/db";
import { signInWithForm } from "./helpers/sign-in.ts";
import { axeViolations } from "./support/axe.ts";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";

test("usage an agent reports that cannot be true is kept off the bill, and the Costs page names the agent and why", async ({
  page,
  request,
}) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Refused Usage Org" });
  const now = new Date();
  const { secret } = await createApiKey({
    orgId: user.orgId,
    actorUserId: null,
    name: "tuna agent",
    scopes: ["engine"],
    expiresAt: null,
  });
  const headers = { authorization: `Bearer ${secret}` };
  const registered = await request.post("/api/v1/agents/register", {
    headers: { ...headers, "idempotency-key": `e2e-register-${user.orgId}` },
    data: {
      instanceId: `e2e-${user.orgId}`,
      engine: "tuna",
      engineVersion: null,
      agentVersion: "0.1.0",
      protocolVersion: 1,
      cluster: { name: "chat-us-east", kind: "cloud", provider: "aws", region: "us-east-1" },
      capabilities: ["serverless"],
    },
  });
  expect(registered.status()).toBe(200);
  const { agentId } = (await registered.json()) as { agentId: string };
  const assignment = await prisma.assignment.create({
    data: { orgId: user.orgId, agentId, state: "running", placement: {} },
  });

  // What the real Tuna router's GPU time in nanoseconds looked like, sent as an agent sends it.
  const answer = await request.post(`/api/v1/assignments/${assignment.id}/reports`, {
    headers: { ...headers, "idempotency-key": `e2e-${assignment.id}` },
    data: {
      epoch: 1,
      seq: 0,
      state: "running",
      at: now.toISOString(),
      usage: [
        { component: "spot", gpuType: "L4", seconds: 600, costUsd: 0.13 },
        { component: "serverless", gpuType: "L4", seconds: 6.08e12, costUsd: 2.8e9 },
      ],
    },
  });
  expect(answer.status()).toBe(200);
  expect(await answer.json()).toMatchObject({ usageRefused: [{ component: "serverless" }] });

  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/costs`);
  const alert = page.getByRole("alert").filter({ hasText: "Koi did not bill usage" });
  await expect(alert).toContainText("Koi did not bill usage from 1 agent report in the last 7 days");
  await expect(alert).toContainText(/6,080,000,000,000 serverless seconds within .* is more than 64 GPUs could use/);
  await expect(page.getByText("$0.13").first()).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);

  await alert.getByRole("link", { name: "tuna agent on chat-us-east" }).click();
  await expect(page).toHaveURL(new RegExp(`/fleet/agents/${agentId}$`));
});
