import { expect, test } from "@playwright/test";
import { prisma } from "@koi/db";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createUserWithOrg } from "./support/db.ts";
import { useUniqueIp } from "./support/ip.ts";
import { expectedUtilityClasses, selectorClasses } from "./support/tailwind-classes.ts";

test("the shipped stylesheet has every utility class the app and packages/ui use", async ({ page, request }) => {
  await page.goto("/");
  const hrefs = await page
    .locator('link[rel="stylesheet"]')
    .evaluateAll((links) => links.map((l) => (l as HTMLLinkElement).href));
  expect(hrefs.length).toBeGreaterThan(0);
  const shipped = new Set<string>();
  for (const href of hrefs) for (const c of selectorClasses(await (await request.get(href)).text())) shipped.add(c);

  const expected = await expectedUtilityClasses();
  // Sanity: the scan found the shared components' classes (bg-red-600 is the danger button's).
  expect(expected.has("bg-red-600")).toBe(true);
  expect([...expected].filter((c) => !shipped.has(c))).toEqual([]);
});

test("a danger button is red with white text, so Revoke can be seen", async ({ page }) => {
  await useUniqueIp(page);
  const user = await createUserWithOrg({ role: "OWNER" });
  await prisma.apiKey.create({
    data: {
      orgId: user.orgId,
      name: "visible key",
      prefix: "koi_live_",
      lastFour: "abcd",
      keyHash: `e2e-${user.orgId}`,
      scopes: ["engine"],
    },
  });
  await signInWithForm(page, user);
  await page.goto(`/o/${user.orgSlug}/settings/api-keys`);
  const revoke = page.getByRole("button", { name: /^Revoke/ });
  await expect(revoke).toBeVisible();
  // Before the fix it was white text on no background at all: 1.04:1 against the page.
  const { background, text } = await revoke.evaluate((el) => {
    // The browser's own colour parser, via a canvas pixel, turns lab()/oklch() into sRGB.
    const rgb = (css: string) => {
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      return { r: r!, g: g!, b: b!, a: a! };
    };
    const style = getComputedStyle(el);
    return { background: rgb(style.backgroundColor), text: rgb(style.color) };
  });
  expect(background.a).toBe(255);
  // Red, not orange or grey: the danger colour.
  expect(background.r).toBeGreaterThan(180);
  expect(background.g).toBeLessThan(60);
  expect(contrastRatio(text, background)).toBeGreaterThanOrEqual(4.5);
});

function contrastRatio(a: { r: number; g: number; b: number }, b: { r: number; g: number; b: number }) {
  const lum = ({ r, g, b }: { r: number; g: number; b: number }) => {
    const f = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
