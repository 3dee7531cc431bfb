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
