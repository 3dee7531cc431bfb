import { expect, test } from "@playwright/test";

test("the API reference renders the OpenAPI document with navigation and request/response examples, from this origin alone under the CSP", async ({
  page,
  baseURL,
}) => {
  const foreign: string[] = [];
  const blocked: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(baseURL!) && !r.url().startsWith("data:")) foreign.push(r.url());
  });
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) blocked.push(m.text());
  });
  page.on("pageerror", (e) => blocked.push(e.message));

  // Scalar is a large client-side app: give it time on a loaded machine.
  test.setTimeout(90_000);
  const spec = await (await page.request.get("/api/v1/openapi.json")).json();
  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { name: spec.info.title }).first()).toBeVisible({ timeout: 45_000 });

  // Navigation: a sidebar entry per operation, which scrolls to it.
  const submit = spec.paths["/api/v1/workloads"].post.summary as string;
  const sidebar = page.getByRole("complementary", { name: /^Sidebar/ });
  await sidebar.getByRole("link", { name: new RegExp(`^${submit.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) }).click();
  await expect(page).toHaveURL(/#tag\/workloads\/POST\/api\/v1\/workloads$/);
  await expect(page.getByRole("heading", { name: submit }).first()).toBeInViewport();

  // Examples: a request (curl with the path) and an example response body.
  const section = page
    .locator("section")
    .filter({ has: page.getByRole("heading", { name: submit }) })
    .first();
  await expect(section.getByText(/curl/).first()).toBeVisible();
  await expect(section.getByText("/api/v1/workloads").first()).toBeVisible();
  await expect(section.getByText(/"kind"/).first()).toBeVisible();

  // No literal Markdown left in the text.
  await expect(page.getByRole("main")).toHaveCount(1);
  expect(await page.locator("#main").innerText()).not.toMatch(/`[^`\n]+`/);
  expect(foreign).toEqual([]);
  expect(blocked).toEqual([]);
});
