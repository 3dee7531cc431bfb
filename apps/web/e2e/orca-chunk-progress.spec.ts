import { expect, test } from "@playwright/test";
import { prisma } from "@koi/db";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { seedRunningWorkload } from "./support/seed-running-workload.ts";

test("between Orca's chunk counts, progress is estimated from tokens generated and marked as estimated", async ({
  page,
}) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Chunk Org" });
  const { workload } = await seedRunningWorkload(user.orgId);
  // What record-report writes between two chunk counts (requests-since-count.ts): 3,000 counted, ≈ 3,400 done.
  await prisma.workload.update({ where: { id: workload.id }, data: { progressEstimate: 3_400 } });
  await signInWithForm(page, user);

  await page.goto(`/o/${user.orgSlug}/workloads`);
  await expect(page.getByText("≈ 3,400 / 10,000 requests")).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Progress of e2e nightly eval" })).toHaveAttribute(
    "aria-valuenow",
    "3400",
  );

  await page.goto(`/o/${user.orgSlug}/workloads/${workload.id}`);
  await expect(page.getByText(/^≈ 3,400 \/ 10,000 requests \(34(\.0)?%\)$/)).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Requests completed" })).toHaveAttribute("aria-valuenow", "3400");
  await expect(page.getByText(/Estimated from the tokens the engine generated since it last counted/)).toContainText(
    "has counted 3,000 requests",
  );
});
