import fs from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { prisma } from "@koi/db";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { signInWithForm } from "./helpers/sign-in.ts";

/** An online sim agent with free GPUs, written straight into the e2e database. */
async function giveOrgCapacity(orgId: string) {
  const cluster = await prisma.cluster.create({
    data: { orgId, name: `e2e-${randomBytes(3).toString("hex")}`, kind: "cloud", provider: "aws", region: "us-east-1" },
  });
  // A long heartbeat interval so the liveness sweep does not mark it offline mid-test.
  const agent = await prisma.agent.create({
    data: {
      orgId,
      clusterId: cluster.id,
      instanceId: `e2e-${randomBytes(6).toString("hex")}`,
      engine: "sim",
      version: "0.1.0",
      capabilities: ["spot"],
      status: "ONLINE",
      lastHeartbeatAt: new Date(),
      heartbeatIntervalSeconds: 3600,
    },
  });
  await prisma.gpuPool.create({
    data: {
      orgId,
      clusterId: cluster.id,
      agentId: agent.id,
      externalId: "h100-spot",
      gpuType: "H100-SXM",
      market: "spot",
      total: 16,
      available: 16,
    },
  });
  await prisma.gpuPool.create({
    data: {
      orgId,
      clusterId: cluster.id,
      agentId: agent.id,
      externalId: "a100-od",
      gpuType: "A100-80GB",
      market: "on-demand",
      total: 8,
      available: 8,
    },
  });
  return agent;
}

test("submit a batch workload with a live plan preview and land on its page", async ({ page }) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Workloads Org" });
  await giveOrgCapacity(user.orgId);
  await signInWithForm(page, user);

  await page.getByRole("link", { name: "Workloads", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Workloads", level: 1 })).toBeVisible();
  await expect(page.getByText("No workloads yet")).toBeVisible();
  await page.getByRole("link", { name: "New workload" }).first().click();

  await page.getByLabel("Name (optional)").fill("e2e nightly eval");
  await page.getByLabel("Model").fill("meta-llama/Llama-3.1-8B");
  await page.getByLabel("Requests", { exact: true }).fill("2000");
  await page.getByLabel("Deadline (hours from now)").fill("4");
  await page.getByLabel("Average input tokens").fill("500");
  await page.getByLabel("Average output tokens").fill("200");

  const preview = page.getByTestId("plan-preview");
  await expect(preview).toBeVisible({ timeout: 15_000 });
  await expect(preview.getByText("Cost per hour", { exact: true })).toBeVisible();
  await expect(preview.getByText(/^\$[\d,.]+\/h$/)).toBeVisible();
  await expect(preview.getByText("Finishes in", { exact: true })).toBeVisible();
  await expect(preview.getByText("Orca (batch)")).toBeVisible();

  // An impossible deadline shows the binding constraint instead of a plan, and the form will not
  // make a workload Koi would fail at once.
  const submitButton = page.getByRole("button", { name: "Submit workload" });
  await page.getByLabel("Requests", { exact: true }).fill("50000000");
  await page.getByLabel("Deadline (hours from now)").fill("0.1");
  await expect(preview.getByRole("alert")).toBeVisible({ timeout: 15_000 });
  await expect(submitButton).toBeDisabled();
  await expect(submitButton).toHaveAccessibleDescription(/so Koi would fail this workload as soon as it plans it/);
  await page.getByLabel("Requests", { exact: true }).fill("2000");
  await page.getByLabel("Deadline (hours from now)").fill("4");
  await expect(preview.getByText("Finishes in", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(submitButton).toBeEnabled();

  await page.getByRole("button", { name: "Submit workload" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${user.orgSlug}/workloads/(?!new$)[a-z0-9]+$`), { timeout: 15_000 });
  await expect(page.getByRole("heading", { name: "e2e nightly eval", level: 1 })).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Requests completed" })).toBeVisible();
  const workload = await prisma.workload.findFirstOrThrow({ where: { orgId: user.orgId } });
  expect(workload).toMatchObject({ name: "e2e nightly eval", kind: "batch", submittedVia: "ui" });

  // Cancelling takes a confirmation, then the page shows it without a reload.
  await page.getByRole("button", { name: "Cancel workload" }).click();
  await page.getByRole("button", { name: "Yes, cancel" }).click();
  await expect(page.getByText("cancelled", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel workload" })).toHaveCount(0);
  expect((await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).status).toBe("CANCELLED");

  await page.getByRole("link", { name: "← Workloads" }).click();
  await expect(page.getByRole("link", { name: "e2e nightly eval" })).toBeVisible();
});

test("the costs page charts seeded usage and the CSV downloads", async ({ page }) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Costs Org" });
  const agent = await giveOrgCapacity(user.orgId);
  const workload = await prisma.workload.create({
    data: {
      orgId: user.orgId,
      name: "costed batch",
      kind: "batch",
      model: "meta-llama/Llama-3.1-8B",
      spec: {},
      status: "COMPLETED",
      engine: "orca",
      progressDone: 100,
      progressTotal: 100,
      costUsd: 14,
      completedAt: new Date(),
    },
  });
  const assignment = await prisma.assignment.create({
    data: {
      orgId: user.orgId,
      agentId: agent.id,
      workloadId: workload.id,
      state: "completed",
      placement: { gpuType: "H100-SXM", market: "spot", tp: 1, replicas: 2, gpus: 2 },
    },
  });
  const hourAgo = new Date(Date.now() - 3_600_000);
  await prisma.usageRecord.createMany({
    data: [
      {
        orgId: user.orgId,
        agentId: agent.id,
        assignmentId: assignment.id,
        component: "spot",
        gpuType: "H100-SXM",
        seconds: 7200,
        costUsd: 11,
        at: hourAgo,
      },
      {
        orgId: user.orgId,
        agentId: agent.id,
        assignmentId: assignment.id,
        component: "serverless",
        gpuType: "H100-SXM",
        seconds: 900,
        costUsd: 3,
        at: hourAgo,
      },
    ],
  });

  await signInWithForm(page, user);
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  await expect(page.getByText("Spend today")).toBeVisible();
  await page.getByRole("link", { name: "Costs", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Costs", level: 1 })).toBeVisible();
  await expect(page.getByText("$14.00").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Spend over time" })).toBeVisible();
  await expect(page.getByRole("link", { name: "costed batch" })).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^koi-costs-.*\.csv$/);
  const csv = await fs.readFile(await download.path(), "utf8");
  expect(csv).toContain("at,component,gpu_type,gpu_seconds,requests,cost_usd,workload_id,workload_name,assignment_id");
  expect(csv).toContain(`spot,H100-SXM,7200,,11,${workload.id},costed batch,${assignment.id}`);
  expect(csv.trim().split("\r\n")).toHaveLength(3);
});

test("another org's workload page and CSV are 404", async ({ page }) => {
  await useUniqueIp(page);
  const a = await createUserWithOrg({ orgName: "Org A" });
  const secret = await prisma.workload.create({
    data: { orgId: a.orgId, name: "secret job", kind: "batch", model: "m", spec: {} },
  });
  const b = await createUserWithOrg({ orgName: "Org B" });
  await signInWithForm(page, b);
  // A's workload id under B's org: a real 404, and nothing of A's shows.
  const response = await page.goto(`/o/${b.orgSlug}/workloads/${secret.id}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByText("secret job")).toHaveCount(0);
  const csv = await page.request.get(`/o/${a.orgSlug}/costs/export.csv`);
  expect(csv.status()).toBe(404);
});
