import { expect, test } from "@playwright/test";
import { prisma } from "@koi/db";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { seedRunningWorkload } from "./support/seed-running-workload.ts";

// While the stream is up the pages poll only every 15–30 s: a change seen within 6 s came through it.
const PUSHED = { timeout: 6_000 };

test("a running workload's page and the fleet page show a change as it happens, without reloading", async ({
  page,
}) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Live Org" });
  const { workload, pool } = await seedRunningWorkload(user.orgId);
  await signInWithForm(page, user);

  await page.goto(`/o/${user.orgSlug}/workloads/${workload.id}`);
  await expect(page.getByText(/^3,000 \/ 10,000 requests/)).toBeVisible();
  await expect(page.getByTestId("live-indicator")).toHaveText("Live");
  await prisma.workload.update({ where: { id: workload.id }, data: { progressDone: 4_200 } });
  await expect(page.getByText(/^4,200 \/ 10,000 requests/)).toBeVisible(PUSHED);

  await page.goto(`/o/${user.orgSlug}/fleet`);
  await expect(page.getByTestId("live-indicator")).toHaveText("Live");
  const totals = page.getByTestId("fleet-totals");
  // The running job holds all 16 of the pool's GPUs: none is free for a plan, whatever the engine
  // last reported. Eight more GPUs in the pool are free at once.
  await expect(totals).toContainText(`0 of ${pool.total} GPUs`);
  await prisma.gpuPool.update({ where: { id: pool.id }, data: { total: pool.total + 8 } });
  await expect(totals).toContainText(`8 of ${pool.total + 8} GPUs`, PUSHED);
});
