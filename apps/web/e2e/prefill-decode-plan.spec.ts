import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { prisma } from "@koi/db";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { signInWithForm } from "./helpers/sign-in.ts";

/**
 * An agent that declares pd_disaggregation for its online side, with four g6e.48xlarge machines of
 * L40S. No engine Koi drives does that yet (Tuna runs colocated replicas, and the sim agent declares
 * splits only without its Tuna adapter: docs/planner.md), so this row is written by hand.
 */
async function giveOrgSplittingEngine(orgId: string) {
  const cluster = await prisma.cluster.create({
    data: { orgId, name: `e2e-${randomBytes(3).toString("hex")}`, kind: "cloud", provider: "aws", region: "us-east-1" },
  });
  const agent = await prisma.agent.create({
    data: {
      orgId,
      clusterId: cluster.id,
      instanceId: `e2e-${randomBytes(6).toString("hex")}`,
      engine: "sim",
      version: "0.1.0",
      capabilities: ["spot", "pd_disaggregation"],
      status: "ONLINE",
      lastHeartbeatAt: new Date(),
      // Long enough that the liveness sweep does not mark it offline mid-test.
      heartbeatIntervalSeconds: 3600,
    },
  });
  await prisma.gpuPool.create({
    data: {
      orgId,
      clusterId: cluster.id,
      agentId: agent.id,
      externalId: "l40s-g6e",
      gpuType: "L40S",
      market: "on-demand",
      total: 32,
      available: 32,
      pricePerGpuHour: 3.766,
      shape: { instanceType: "g6e.48xlarge" },
    },
  });
}

test("allowing prefill/decode on different GPUs shows a split plan with its reason, and submits it", async ({
  page,
}) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Split Org" });
  await giveOrgSplittingEngine(user.orgId);
  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/workloads/new`);

  await page.getByLabel("Name (optional)").fill("e2e long prompts");
  await page.getByLabel("Model").fill("meta-llama/Llama-3.1-8B-Instruct");
  await page.getByRole("radio", { name: /Online \(Tuna\)/ }).check();
  await page.getByLabel("Requests per second").fill("2");
  await page.getByLabel("TTFT p95 (ms)").fill("3000");
  await page.getByLabel("TPOT p95 (ms)").fill("20");
  await page.getByLabel("Average input tokens").fill("8000");
  await page.getByLabel("Average output tokens").fill("200");

  const preview = page.getByTestId("plan-preview");
  await expect(preview.getByText(/× g6e\.48xlarge/).first()).toBeVisible({ timeout: 15_000 });
  await expect(preview.getByText(/· prefill$/)).toHaveCount(0);

  await page.getByLabel("Allow prefill/decode on different GPUs").check();
  await expect(preview.getByText(/· prefill$/)).toBeVisible({ timeout: 15_000 });
  await expect(preview.getByText(/· decode$/)).toBeVisible();
  await expect(preview.getByText(/Prefill: .*; Decode: .*moves from prefill to decode in [\d.]+ ms/)).toBeVisible();

  await page.getByRole("button", { name: "Submit workload" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${user.orgSlug}/workloads/(?!new$)[a-z0-9]+$`), { timeout: 15_000 });
  await expect(page.getByRole("heading", { name: "e2e long prompts", level: 1 })).toBeVisible();
  const workload = await prisma.workload.findFirstOrThrow({ where: { orgId: user.orgId } });
  expect(workload.spec).toMatchObject({ kind: "online", allowDisaggregation: true });
});
