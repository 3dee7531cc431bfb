import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests against the built app (Koi's server in apps/web/server) and the worker, both started by
 * e2e/support/global-setup.ts on a throwaway database and Redis prefix. Run `npm run build`
 * first; `bash scripts/test-all.sh` does both.
 */
const port = Number(process.env.KOI_E2E_PORT ?? 3000);

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  globalSetup: "./e2e/support/global-setup.ts",
  globalTeardown: "./e2e/support/global-teardown.ts",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  // Two at a time: much of a spec is waiting on the server, the worker or a poll, so two share
  // the two cores better than one. Specs never share rate limits (each sends its own
  // X-Forwarded-For) or rows (each makes its own organisation).
  workers: 2,
  fullyParallel: false,
  // No retries: a flaky spec is a bug to fix, not to hide.
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    // localhost, not 127.0.0.1: Auth.js cookies are bound to the host APP_URL names.
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    browserName: "chromium",
    headless: true,
    launchOptions: {
      // Debian's package: `npx playwright install` cannot download browsers on our machines.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    // Request-only specs (the `request` fixture; no browser page).
    { name: "api", testMatch: /.*\.api\.spec\.ts$/ },
    { name: "ui", testMatch: /.*\.spec\.ts$/, testIgnore: [/.*\.api\.spec\.ts$/, /fleet-connect\.spec\.ts$/] },
    // Restarts Koi's web server, so it runs alone, after every other spec.
    { name: "restarts-koi", testMatch: /fleet-connect\.spec\.ts$/, dependencies: ["api", "ui"] },
  ],
});
