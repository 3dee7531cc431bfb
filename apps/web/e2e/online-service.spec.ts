import { expect, test } from "@playwright/test";
import { prisma } from "@koi/db";
import { signInWithForm } from "./helpers/sign-in.ts";
import { axeViolations, revealLazyContent } from "./support/axe.ts";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { seedOnlineService } from "./support/seed-online-service.ts";

test("an online service's page: SLO, load and forecast, latency against targets, replicas, cost and decisions", async ({
  page,
}) => {
  // Four pages, four charts and an axe pass: more than the default 30 s on a busy 2-core machine.
  test.setTimeout(120_000);
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Online Service Org" });
  const { workload } = await seedOnlineService(user.orgId);
  await signInWithForm(page, user);

  // The overview counts the service in its health line; the list shows its SLO health.
  await page.goto(`/o/${user.orgSlug}`);
  await expect(page.getByText("1 online service:")).toBeVisible();
  await expect(page.getByText("1 within SLO")).toBeVisible();
  await page.goto(`/o/${user.orgSlug}/workloads`);
  const row = page.getByRole("row", { name: /e2e support chat/ });
  await expect(row.getByText("within SLO")).toBeVisible();
  await expect(row.getByText("no forecast yet")).toHaveCount(0);

  await row.getByRole("link", { name: "e2e support chat" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "e2e support chat" })).toBeVisible();
  await expect(page.getByText("targets: TTFT p95 ≤ 2,000 ms · TPOT p95 ≤ 100 ms")).toBeVisible();
  await expect(page.getByText("(Koi keeps 4–5)")).toBeVisible();
  await expect(page.getByText(/Engine metrics appear/)).toHaveCount(0);

  for (const name of [
    "Request rate observed and forecast",
    "TTFT and TPOT p95 against the targets",
    "Spot replicas and the share of requests on serverless",
    "Cost per hour over time",
  ]) {
    const figure = page.getByRole("figure", { name });
    await figure.scrollIntoViewIfNeeded();
    await expect(figure.locator(".recharts-surface").first()).toBeVisible();
  }
  const rate = page.getByRole("figure", { name: "Request rate observed and forecast" });
  await expect(rate.getByRole("img", { name: /^7(\.0)? req\/s now; forecast next hour 6\.5 req\/s/ })).toBeVisible();
  await rate.getByText("Show the numbers as a table").click();
  await expect(rate.getByRole("table").getByRole("row")).toHaveCount(25);

  await expect(page.getByRole("heading", { name: "Scaled down" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Scaled up" })).toBeVisible();
  await expect(page.getByText("spot 1–3 × L4")).toBeVisible();

  await revealLazyContent(page);
  expect(await axeViolations(page)).toEqual([]);
  expect(workload.id).toBeTruthy();
});

test("a service whose Tuna refused Koi's scaling policy says so instead of showing it as in force", async ({
  page,
}) => {
  test.setTimeout(60_000);
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Refused Policy Org" });
  const { agent, workload, assignment } = await seedOnlineService(user.orgId);
  await prisma.command.create({
    data: {
      orgId: user.orgId,
      agentId: agent.id,
      assignmentId: assignment.id,
      type: "set_scaling",
      payload: {},
      epoch: assignment.epoch,
      status: "REJECTED",
      ackDetail: "this Tuna router takes no scaling policy while it runs",
    },
  });
  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/workloads/${workload.id}`);
  await expect(page.getByRole("alert").filter({ hasText: "Tuna has not taken Koi's scaling policy" })).toContainText(
    "this Tuna router takes no scaling policy while it runs",
  );
  await expect(page.getByText("(Koi would keep 4–5)")).toBeVisible();
});

test("a service Koi moved to another GPU type draws each spot service's replicas and says which GPU serves now", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Moved Service Org" });
  const { workload } = await seedOnlineService(user.orgId);
  // The agent runs an L40S service beside its L4s (--tuna-variant): the last half hour was served there.
  const samples = await prisma.onlineSample.findMany({
    where: { workloadId: workload.id },
    orderBy: { engineAt: "asc" },
  });
  const movedAt = samples.at(-30)!.engineAt;
  await prisma.onlineSample.updateMany({
    where: { workloadId: workload.id, engineAt: { lt: movedAt } },
    data: { spotGpuType: "L4" },
  });
  await prisma.onlineSample.updateMany({
    where: { workloadId: workload.id, engineAt: { gte: movedAt } },
    data: { spotGpuType: "L40S", spotReplicas: 2 },
  });
  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/workloads/${workload.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "e2e support chat" })).toBeVisible();

  const figure = page.getByRole("figure", { name: "Spot replicas and the share of requests on serverless" });
  await figure.scrollIntoViewIfNeeded();
  await expect(figure.getByText("Spot replicas (L4)")).toBeVisible();
  await expect(figure.getByText("Spot replicas (L40S)")).toBeVisible();
  await expect(figure.getByRole("img", { name: /2 spot L40S replicas/ })).toBeVisible();
  await figure.getByText("Show the numbers as a table").click();
  await expect(figure.getByRole("table").getByRole("row").last()).toContainText("2 × L40S");
  await expect(figure.getByRole("table")).toContainText("× L4");
});
