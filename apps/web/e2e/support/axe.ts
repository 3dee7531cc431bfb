import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/** The WCAG 2.1 A and AA rules (axe's tags for them). */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** axe's violations on the page as one line per failing node, so a failed test says what and where. */
export async function axeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  return violations.flatMap((v) =>
    v.nodes.map(
      (n) =>
        `${v.id} (${v.impact}): ${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1).join(" ").trim()}`,
    ),
  );
}

/** Scrolls to the end and back, so content that loads when it comes into view (charts) is there to check. */
export async function revealLazyContent(page: Page): Promise<void> {
  // One viewport per step: every element crosses the viewport once, so each IntersectionObserver fires,
  // without thousands of steps on a long page such as the API reference.
  for (let y = 0; ;) {
    const { height, step } = await page.evaluate((top) => {
      window.scrollTo(0, top);
      return { height: document.documentElement.scrollHeight, step: window.innerHeight };
    }, y);
    await page.waitForTimeout(50);
    y += step;
    if (y > height) break;
  }
  await page.waitForLoadState("networkidle");
  await page.evaluate(() => window.scrollTo(0, 0));
}
