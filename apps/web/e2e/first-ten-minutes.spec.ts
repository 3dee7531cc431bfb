import { expect, test } from "@playwright/test";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { seedRunningWorkload } from "./support/seed-running-workload.ts";

test("with no engine connected, the new-workload preview says so and links to Connect", async ({ page }) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "No Engine Org" });
  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/workloads/new`);
  const preview = page.getByTestId("plan-preview");
  await expect(preview.getByText("No engine is connected yet")).toBeVisible();
  await expect(preview.getByText(/not enough GPUs/i)).toHaveCount(0);
  await preview.getByRole("link", { name: "Connect an engine" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${user.orgSlug}/fleet/connect$`));
});

test("the Connect page's commands keep the key off the command line and the simulator off the demo's ports", async ({
  page,
}) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Connect Org" });
  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/fleet/connect`);
  await page.getByRole("button", { name: "Create an engine key" }).click();
  const notice = page.getByRole("status").filter({ hasText: "Key created" });
  await expect(notice).toBeFocused();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  const commands = (await page.locator("pre").allTextContents()).join("\n");
  expect(commands).toContain(`export KOI_API_KEY='${key}'`);
  expect(commands.split(key)).toHaveLength(2);
  expect(commands).not.toContain("--api-key");
  expect(commands).toContain("--orca-port 27336 --tuna-port 27080");
  for (const demoPort of [26336, 26337, 8080, 8081, 8091, 8092]) expect(commands).not.toContain(`:${demoPort}`);
});

test("a busy org's pages: the savings sentence, spend in minutes, and the cost projected at the current size", async ({
  page,
}) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Busy Org" });
  const { workload } = await seedRunningWorkload(user.orgId);
  await signInWithForm(page, user);

  // Overview: what was spent, and what each always-on baseline would have cost.
  await expect(
    page.getByText(
      /^You spent \$[\d,.]+ this month\. The same GPU time would have cost \$[\d,.]+ on on-demand GPUs left running, or \$[\d,.]+ on always-on serverless\.$/,
    ),
  ).toBeVisible();

  // Costs: 40 minutes of spend in a 7-day range is charted per minute, over the last hour or so.
  await page.goto(`/o/${user.orgSlug}/costs`);
  const chart = page.getByRole("figure", { name: "Spend per minute by component" });
  await expect(chart).toBeVisible();
  await expect(chart.getByRole("img").first()).toHaveAccessibleName(/^\$11\.00 spent from .* in 8 of \d+ minutes;/);
  await chart.getByText("Show the numbers as a table").click();
  await expect(chart.getByRole("table").getByRole("row")).toHaveCount(1 + 8);

  // Workload: scaled to 2 replicas of $16.35/h, 70 minutes from its P50 finish: $11 + $32.70/h × 70 min.
  await page.goto(`/o/${user.orgSlug}/workloads/${workload.id}`);
  await expect(page.getByText("Running at").locator("..")).toContainText("$32.70/h");
  const projected = await page.getByText("Projected at finish").locator("..").locator("dd").textContent();
  const dollars = Number(projected!.replace(/[$,]/g, ""));
  expect(dollars).toBeGreaterThan(48);
  expect(dollars).toBeLessThanOrEqual(49.15);
  expect(dollars).not.toBeCloseTo(12.6);

  // The forecast chart's axis is labelled up to, and past, the deadline it draws.
  const forecast = page.getByRole("figure", { name: /^Forecast/ });
  await forecast.scrollIntoViewIfNeeded();
  const deadlineX = Number(
    await forecast.locator(".recharts-reference-line line").first().getAttribute("x1", { timeout: 15_000 }),
  );
  const ticks = forecast.locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value");
  await expect.poll(() => ticks.count()).toBeGreaterThanOrEqual(3);
  const tickXs = await ticks.evaluateAll((ts) => ts.map((t) => Number(t.getAttribute("x"))));
  expect(Math.max(...tickXs)).toBeGreaterThanOrEqual(deadlineX);
});
