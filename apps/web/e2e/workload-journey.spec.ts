import path from "node:path";
import { expect, test } from "@playwright/test";
import { createApiKey } from "@koi/auth/api-keys/manage-api-keys";
import { prisma } from "@koi/db";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createUserWithOrg } from "./support/db.ts";
import { startSimEngineAndAgent } from "./support/engines.ts";
import { e2eEnv } from "./support/state.ts";

// Real processes: the engine simulator runs the job, a koi-agent drives it, the worker plans,
// forecasts, replans and completes it.
test.setTimeout(300_000);

test("a workload submitted in the UI runs on the simulated engine, its progress and forecast update, a spot preemption is replanned, and it completes with its cost", async ({
  page,
}) => {
  const user = await createUserWithOrg({ orgName: "Journey Org" });
  const { secret } = await createApiKey({
    orgId: user.orgId,
    actorUserId: user.userId,
    name: "e2e agent",
    scopes: ["engine"],
    expiresAt: null,
  });
  const engines = await startSimEngineAndAgent(secret, {
    simConfig: path.join(import.meta.dirname, "support/engine-sim-e2e.json"),
  });
  try {
    await expect
      .poll(() => prisma.gpuPool.count({ where: { orgId: user.orgId } }), { timeout: 45_000 })
      .toBeGreaterThan(0);
    await signInWithForm(page, user);

    await page.goto(`/o/${user.orgSlug}/workloads/new`);
    await page.getByLabel("Name (optional)").fill("e2e journey");
    await page.getByLabel("Model").fill("meta-llama/Llama-3.1-8B-Instruct");
    await page.getByLabel("Requests", { exact: true }).fill("1200");
    await page.getByLabel("Deadline (hours from now)").fill("1");
    await page.getByLabel("Input file").fill("s3://e2e-bucket/prompts.jsonl");
    await page.getByLabel("Average input tokens").fill("400");
    await page.getByLabel("Average output tokens").fill("150");
    const preview = page.getByTestId("plan-preview");
    await expect(preview.getByText("Finishes in", { exact: true })).toBeVisible({ timeout: 20_000 });
    await page.getByRole("button", { name: "Submit workload" }).click();
    // A workload id (not /workloads/new, which the regex would otherwise also match).
    await expect(page).toHaveURL(new RegExp(`/o/${user.orgSlug}/workloads/c[a-z0-9]{20,}$`), { timeout: 20_000 });
    const workload = await prisma.workload.findFirstOrThrow({ where: { orgId: user.orgId } });

    // Planned, dispatched to the agent, launched on the simulated Orca, reporting progress.
    await expect(page.getByText("running", { exact: true }).first()).toBeVisible({ timeout: 60_000 });
    await expect
      .poll(async () => (await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).progressDone, {
        timeout: 90_000,
      })
      .toBeGreaterThan(0);
    await expect
      .poll(() => prisma.forecastPoint.count({ where: { workloadId: workload.id } }), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(2);
    await expect(page.locator(".recharts-surface").first()).toBeVisible();
    await expect(page.getByRole("progressbar", { name: "Requests completed" })).not.toHaveAttribute(
      "aria-valuenow",
      "0",
    );

    // The engine reports a spot preemption: Koi fences the old assignment and replans the rest.
    const live = await prisma.assignment.findFirstOrThrow({
      where: { workloadId: workload.id, engineRef: { not: null } },
    });
    const events = await fetch(`${e2eEnv().baseUrl}/api/v1/agents/${live.agentId}/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({
        events: [
          {
            eventId: `e2e-preempt-${live.id}`,
            at: new Date().toISOString(),
            type: "replica_failed",
            reasonCode: "spot_preemption",
            detail: "spot instance reclaimed (e2e)",
            engineRef: live.engineRef,
            source: "agent",
          },
        ],
      }),
    });
    expect(events.status).toBe(200);
    await expect(page.getByRole("heading", { name: "Replanned" })).toBeVisible({ timeout: 60_000 });
    await expect
      .poll(async () => (await prisma.assignment.findUniqueOrThrow({ where: { id: live.id } })).epoch, {
        timeout: 30_000,
      })
      .toBeGreaterThan(live.epoch);

    // The replanned job finishes the rest; the page shows it completed, with what it cost.
    await expect(page.getByText("completed", { exact: true }).first()).toBeVisible({ timeout: 200_000 });
    const done = await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } });
    expect(done.status).toBe("COMPLETED");
    expect(done.costUsd).toBeGreaterThan(0);
    await expect(page.getByText(/^\$\d/).first()).toBeVisible();
  } finally {
    await engines.stop();
  }
});
