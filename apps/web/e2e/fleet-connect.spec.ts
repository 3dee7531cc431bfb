import { expect, test } from "@playwright/test";
import { issueCommand } from "@koi/services/agents/issue-command";
import { prisma } from "@koi/db";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createUserWithOrg } from "./support/db.ts";
import { restartWeb, startSimEngineAndAgent } from "./support/engines.ts";

// Starts real processes (engine simulator, koi-agent) and restarts the web app.
test.setTimeout(180_000);

test("an engine key made in the UI connects a sim agent, which shows online with its GPUs and keeps its reports through a Koi restart", async ({
  page,
}) => {
  const user = await createUserWithOrg({ role: "OWNER" });
  await signInWithForm(page, user);

  await page.goto(`/o/${user.orgSlug}/fleet`);
  await expect(page.getByText("No engines connected yet")).toBeVisible();
  await page.getByRole("link", { name: "Connect an engine" }).first().click();
  await page.getByRole("button", { name: "Create an engine key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^koi_live_[0-9A-Za-z]{38}$/);
  await expect(
    page
      .locator("pre")
      .filter({ hasText: `export KOI_API_KEY='${key}'` })
      .first(),
  ).toBeVisible();

  const engines = await startSimEngineAndAgent(key);
  try {
    await page.goto(`/o/${user.orgSlug}/fleet`);
    // Live page (polls every 5 s): the agent registers, then its first heartbeat brings the pools.
    await expect(page.getByText("online", { exact: true }).first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole("cell", { name: "H100-SXM" }).first()).toBeVisible({ timeout: 30_000 });

    // Give it work, so it reports every second.
    const agent = await prisma.agent.findFirstOrThrow({ where: { orgId: user.orgId } });
    const assignment = await prisma.assignment.create({
      data: { orgId: user.orgId, agentId: agent.id, state: "deploying" },
    });
    await issueCommand({
      orgId: user.orgId,
      assignmentId: assignment.id,
      type: "deploy",
      payload: {
        workload: {
          kind: "batch",
          model: "meta-llama/Llama-3.1-8B-Instruct",
          requests: 20_000,
          avgInputTokens: 800,
          avgOutputTokens: 300,
        },
        placement: { gpuType: "H100-SXM", tp: 1, pp: 1, replicas: 2, market: "on-demand" },
        alternatives: [],
        decisionId: "dec-e2e-restart",
        predictedTps: null,
      },
    });
    const seqs = async () =>
      (await prisma.assignmentReport.findMany({ where: { assignmentId: assignment.id }, select: { seq: true } }))
        .map((r) => r.seq)
        .sort((a, b) => a - b);
    await expect.poll(async () => (await seqs()).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);

    // Koi goes away for 8 s; the agent keeps reporting into its on-disk spool.
    const before = Math.max(...(await seqs()));
    await restartWeb(8_000);
    await expect.poll(async () => Math.max(...(await seqs())), { timeout: 60_000 }).toBeGreaterThan(before + 5);
    const all = await seqs();
    // Nothing lost: every report the agent made, including those made while Koi was down, arrived.
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i));

    await page.reload();
    await expect(page.getByText("online", { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  } finally {
    await engines.stop();
  }
});
