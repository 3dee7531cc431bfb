import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// apps/web's modules import each other through its `@/` alias (unit and integration tests).
// Route handlers of apps/web are called directly in integration tests: let `server-only` (which throws outside React Server Components) load as an empty module.
const alias = {
  "@/": fileURLToPath(new URL("./apps/web/src/", import.meta.url)),
  "server-only": fileURLToPath(new URL("./tests/stubs/server-only.ts", import.meta.url)),
};

const FAULTS = "apps/worker/src/workloads/workload-faults.integration.test.ts";
const integration = {
  // next-auth imports `next/server` without an extension, which Node's ESM loader refuses:
  // let Vite resolve it (the session tests run Auth.js's callbacks).
  server: { deps: { inline: ["next-auth"] } },
  environment: "node",
  globalSetup: ["./tests/integration-global-setup.ts"],
  setupFiles: ["./tests/integration-worker-database.ts", "./tests/integration-setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    // Vitest's default (one worker fewer than the cores) runs unit files one at a time on our
    // 2-core machines; two at a time took the unit step from 92 s to 58 s there. Integration files
    // run two at a time too, each worker on its own database; HTTP files share one running server
    // and run one at a time (fileParallelism: false).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        resolve: { alias: { "@/": alias["@/"] } },
        test: {
          name: "unit",
          include: [
            "{apps,packages}/*/src/**/*.test.{ts,tsx}",
            "{apps,packages}/*/bench/**/*.test.ts",
            "apps/web/server/**/*.test.ts",
          ],
          exclude: ["**/*.integration.test.ts", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        // `npm run test:http`: the built app, started by the global setup, attacked over real HTTP.
        test: {
          name: "http",
          include: ["apps/web/http-tests/**/*.http.test.ts"],
          environment: "node",
          globalSetup: ["./apps/web/http-tests/support/global-setup.ts"],
          setupFiles: ["./tests/integration-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          ...integration,
          include: ["{apps,packages}/*/src/**/*.integration.test.ts"],
          exclude: [FAULTS, "**/node_modules/**"],
        },
      },
      {
        // The fault-injection file runs alone, after the others: its two worker processes planning
        // 1,000 workloads keep both cores busy, and beside them other files' transactions outlive
        // their 5 s. `npm run test:integration` runs both projects.
        resolve: { alias },
        test: { name: "integration-faults", ...integration, include: [FAULTS], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
