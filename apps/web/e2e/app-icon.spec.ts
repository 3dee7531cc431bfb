import { expect, test } from "@playwright/test";

test("every page names an icon, and the icon, the home-screen icon and /favicon.ico are served", async ({
  page,
  request,
}) => {
  const missing: string[] = [];
  page.on("response", (r) => {
    if (r.status() === 404) missing.push(r.url());
  });
  for (const path of ["/", "/sign-in", "/docs/api"]) {
    await page.goto(path);
    const icon = page.locator('head link[rel="icon"]');
    await expect(icon).toHaveAttribute("type", "image/svg+xml");
    const svg = await request.get((await icon.getAttribute("href"))!);
    expect(svg.status()).toBe(200);
    expect(svg.headers()["content-type"]).toContain("image/svg+xml");
    expect(await svg.text()).toContain("<svg");

    const apple = await request.get((await page.locator('head link[rel="apple-touch-icon"]').getAttribute("href"))!);
    expect(apple.status()).toBe(200);
    expect(apple.headers()["content-type"]).toBe("image/png");
  }
  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toBe("image/png");
  // A PNG's signature, 180 px wide (bytes 16–19 of the IHDR chunk).
  const png = await favicon.body();
  expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
  expect(png.readUInt32BE(16)).toBe(180);
  expect(missing).toEqual([]);
});
