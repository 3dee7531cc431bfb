import { expect, test, type Page } from "@playwright/test";
import { signInWithForm } from "./helpers/sign-in.ts";
import { revealLazyContent } from "./support/axe.ts";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { seedRunningWorkload } from "./support/seed-running-workload.ts";

// A phone: no page may scroll sideways; wide tables scroll inside their own box.
test.use({ viewport: { width: 375, height: 740 } });

test("no page is wider than a 375 px screen", async ({ page }) => {
  test.setTimeout(120_000);
  await useUniqueIp(page);
  const user = await createUserWithOrg({ orgName: "A Rather Long Organization Name Inc" });
  const { workload, agent } = await seedRunningWorkload(user.orgId);
  for (const path of ["/", "/sign-in", "/forgot-password", "/docs/api"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    await expectNoSidewaysScroll(page, path);
  }
  await signInWithForm(page, user);
  const o = `/o/${user.orgSlug}`;
  for (const path of [
    o,
    `${o}/workloads`,
    `${o}/workloads/new`,
    `${o}/workloads/${workload.id}`,
    `${o}/fleet`,
    `${o}/fleet/agents/${agent.id}`,
    `${o}/fleet/connect`,
    `${o}/costs`,
    `${o}/settings/members`,
    `${o}/settings/api-keys`,
    `${o}/settings/notifications`,
  ]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    await revealLazyContent(page);
    await expectNoSidewaysScroll(page, path);
  }
});

async function expectNoSidewaysScroll(page: Page, path: string) {
  const { scrollWidth, innerWidth, culprits } = await page.evaluate(() => {
    // The outermost elements that stick out on the right: what to fix when this fails.
    const culprits: string[] = [];
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      const sticksOut = (e: Element | null) => !!e && e.getBoundingClientRect().right > window.innerWidth + 0.5;
      if (sticksOut(el) && !sticksOut(el.parentElement))
        culprits.push(`<${el.tagName.toLowerCase()} class="${el.getAttribute("class") ?? ""}">`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, culprits };
  });
  expect(innerWidth).toBe(375);
  expect(scrollWidth, `${path} is ${scrollWidth} px wide: ${culprits.slice(0, 5).join(", ")}`).toBeLessThanOrEqual(
    innerWidth,
  );
}
