import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// apps/web's modules import each other through its `@/` alias (unit and integration tests).
// Route handlers of apps/web are called directly in integration tests: let `server-only` (which throws outside React Server Components) load as an empty module.
const alias = {
  "@/": fileURLToPath(new URL("./apps/web/src/", import.meta.url)),
  "server-only": fileURLToPath(new URL("./tests/stubs/server-only.ts", import.meta.url)),
};

export default defineConfig({
  test: {
    // Vitest's default (one worker fewer than the cores) runs unit files one at a time on our
    // 2-core machines; two at a time took the unit step from 92 s to 58 s there. Integration and
    // HTTP files run one at a time whatever this says (fileParallelism: false).
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
          // next-auth imports `next/server` without an extension, which Node's ESM loader refuses:
          // let Vite resolve it (the session tests run Auth.js's callbacks).
          server: { deps: { inline: ["next-auth"] } },
          include: ["{apps,packages}/*/src/**/*.integration.test.ts"],
          environment: "node",
          globalSetup: ["./tests/integration-global-setup.ts"],
          setupFiles: ["./tests/integration-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
