import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { prisma } from "@koi/db";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createUserWithOrg } from "./support/db.ts";

/** A cluster with one agent in the given state and its pools, written straight into the e2e database. */
async function seedCluster(
  orgId: string,
  status: "ONLINE" | "OFFLINE",
  pools: {
    gpuType: string;
    market: string;
    total: number;
    available: number;
    price: number | null;
    shape?: { instanceType: string };
  }[],
) {
  const name = `${status === "ONLINE" ? "live" : "gone"}-${randomBytes(3).toString("hex")}`;
  const cluster = await prisma.cluster.create({ data: { orgId, name, kind: "cloud", region: "us-east-1" } });
  const agent = await prisma.agent.create({
    data: {
      orgId,
      clusterId: cluster.id,
      instanceId: `e2e-${randomBytes(6).toString("hex")}`,
      engine: "sim",
      version: "0.1.0",
      status,
      lastHeartbeatAt: new Date(Date.now() - (status === "ONLINE" ? 0 : 20 * 60_000)),
      heartbeatIntervalSeconds: 3600,
    },
  });
  for (const [i, p] of pools.entries())
    await prisma.gpuPool.create({
      data: {
        orgId,
        clusterId: cluster.id,
        agentId: agent.id,
        externalId: `pool-${i}`,
        gpuType: p.gpuType,
        market: p.market,
        total: p.total,
        available: p.available,
        pricePerGpuHour: p.price,
        ...(p.shape ? { shape: p.shape } : {}),
      },
    });
  return name;
}

test("the fleet collapses empty pools, calls a catalog price the list price, and keeps offline agents apart and uncounted", async ({
  page,
}) => {
  const user = await createUserWithOrg({ role: "OWNER" });
  const live = await seedCluster(user.orgId, "ONLINE", [
    { gpuType: "H100-SXM", market: "on-demand", total: 16, available: 6, price: null },
    { gpuType: "L4", market: "spot", total: 8, available: 8, price: 0.4 },
    { gpuType: "A10G", market: "spot", total: 0, available: 0, price: null },
  ]);
  const gone = await seedCluster(user.orgId, "OFFLINE", [
    { gpuType: "A100-80GB", market: "on-demand", total: 32, available: 32, price: null },
  ]);
  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/fleet`);

  // Totals count only the online agent's GPUs: 6 + 8 free of 16 + 8, not the offline 32.
  await expect(page.getByTestId("fleet-totals")).toHaveText("14 of 24 GPUs free on 1 cluster with an agent online.");

  const pools = page.getByRole("table", { name: `GPU pools of ${live}` });
  await expect(pools.getByRole("row")).toHaveCount(3); // header + H100 + L4; the 0/0 A10G pool is no row
  await expect(pools.getByRole("cell", { name: "A10G" })).toHaveCount(0);
  await expect(page.getByTestId("empty-pools")).toHaveText("Also reported, with no GPUs now: A10G spot.");

  const h100 = pools.getByRole("row").filter({ hasText: "H100-SXM" });
  await expect(h100).toContainText(/\$\d+\.\d{2}\/GPU-h list price/);
  await expect(h100.getByText("list price")).toHaveAttribute("title", /public list price/);
  await expect(pools).not.toContainText("catalog");
  const l4 = pools.getByRole("row").filter({ hasText: "L4" });
  await expect(l4).toContainText("$0.40/GPU-h");
  await expect(l4).not.toContainText("list price");

  // The offline agent is listed apart, with what is no longer counted; its cluster has no card or table.
  const offline = page.getByRole("region", { name: "Offline" });
  await expect(offline).toContainText(`sim agent on ${gone}`);
  await expect(offline).toContainText("32 GPUs not counted");
  await expect(page.getByRole("heading", { name: gone, exact: true })).toHaveCount(0);
  await expect(page.getByRole("table", { name: `GPU pools of ${gone}` })).toHaveCount(0);
});

test("a pool the planner cannot use says why: an unknown machine type, an unknown GPU", async ({ page }) => {
  const user = await createUserWithOrg({ role: "OWNER" });
  const live = await seedCluster(user.orgId, "ONLINE", [
    { gpuType: "H100-SXM", market: "spot", total: 8, available: 8, price: 3.2, shape: { instanceType: "p5.48xlarge" } },
    { gpuType: "L40S", market: "spot", total: 4, available: 4, price: 1, shape: { instanceType: "x9.mystery" } },
    { gpuType: "Z9000", market: "on-demand", total: 8, available: 8, price: 2 },
  ]);
  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/fleet`);

  const pools = page.getByRole("table", { name: `GPU pools of ${live}` });
  await expect(pools.getByRole("row").filter({ hasText: "H100-SXM" })).not.toContainText("Not used in plans");
  await expect(pools.getByRole("row").filter({ hasText: "L40S" })).toContainText(
    'Not used in plans: L40S spot pool: unknown instance type "x9.mystery" (give gpusPerMachine, interconnect and networkGbps)',
  );
  await expect(pools.getByRole("row").filter({ hasText: "Z9000" })).toContainText(
    "Not used in plans: Koi has no performance model for this GPU type",
  );
});
