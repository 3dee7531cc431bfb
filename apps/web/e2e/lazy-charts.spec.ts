import { gzipSync } from "node:zlib";
import { expect, test, type Page, type Request } from "@playwright/test";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { seedRunningWorkload } from "./support/seed-running-workload.ts";

/** Every script the page fetches from now on, with its gzip size and whether it is recharts. */
function recordScripts(page: Page) {
  const urls = new Set<string>();
  const onRequest = (request: Request) => {
    if (request.resourceType() === "script") urls.add(request.url());
  };
  page.on("request", onRequest);
  return {
    settled: async () => {
      await page.waitForLoadState("networkidle");
      let bytes = 0;
      let chartBytes = 0;
      for (const url of urls) {
        const body = await (await page.request.get(url)).body();
        // The size `next start` sends (it gzips), independent of the browser's cache.
        const size = gzipSync(body).length;
        bytes += size;
        // A class name recharts puts on every chart's wrapper: in its code, in no other chunk.
        if (body.includes("recharts-wrapper")) chartBytes += size;
      }
      return { kb: Math.round(bytes / 102.4) / 10, chartKb: Math.round(chartBytes / 102.4) / 10 };
    },
    stop: () => page.off("request", onRequest),
  };
}

// A phone-sized screen: every chart starts below the fold.
test.use({ viewport: { width: 375, height: 600 } });

test("charts load their code only when they scroll into view", async ({ page }) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "Lazy Charts Org" });
  const { workload } = await seedRunningWorkload(user.orgId);
  await signInWithForm(page, user);

  const pages = [
    { name: "overview", path: `/o/${user.orgSlug}`, chart: "GPUs in use by type and market" },
    { name: "costs", path: `/o/${user.orgSlug}/costs`, chart: /^Spend per/ },
    { name: "workload", path: `/o/${user.orgSlug}/workloads/${workload.id}`, chart: /^Forecast/ },
  ];
  for (const p of pages) {
    const scripts = recordScripts(page);
    await page.goto(p.path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    const before = await scripts.settled();
    const chart = page.getByRole("figure", { name: p.chart });
    await chart.scrollIntoViewIfNeeded();
    await expect(chart.locator(".recharts-surface").first()).toBeVisible();
    const after = await scripts.settled();
    console.log(
      `[page-js] ${p.name}: ${before.kb} KB of JS (gzip) at load; ${after.kb} KB once the chart is in view (chart code ${after.chartKb} KB)`,
    );
    scripts.stop();
    expect(before.chartKb, `${p.name} loaded recharts before its chart was in view`).toBe(0);
    expect(after.chartKb).toBeGreaterThan(0);
  }
});
