import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Who may import whom: each workspace lists the @koi packages it may import; any other is an error.
// Arrows point down (ARCHITECTURE.md draws the layers), so no package imports one above it.
const LAYERS = {
  "packages/contracts": [],
  "packages/catalog": [],
  "packages/db": [],
  "packages/ui": [],
  "packages/core": ["db"],
  "packages/auth": ["core", "db"],
  "packages/planner": ["catalog"],
  "packages/sdk": ["contracts"],
  "packages/agent": ["contracts", "catalog", "sdk"],
  "packages/cli": ["contracts", "catalog", "planner", "sdk"],
  "packages/services": ["contracts", "catalog", "planner", "db", "core", "auth"],
  "packages/api": ["services", "contracts", "core", "auth"],
  "apps/engine-sim": ["contracts", "catalog", "planner", "sdk", "cli"],
  "apps/worker": ["services", "db", "core"],
  "apps/web": ["api", "services", "contracts", "catalog", "core", "auth", "ui"],
};

// Parts of a workspace that may import more than the rest of it: tests set up rows with the database
// client; the agent's tests drive the engine simulator.
const EXTRAS = {
  "packages/api/src/**/*.integration.test.ts": ["services", "contracts", "core", "auth", "db"],
  "packages/api/src/testing/**/*.ts": ["services", "contracts", "core", "auth", "db"],
  "apps/web/src/**/__tests__/**/*.ts": ["api", "services", "contracts", "catalog", "core", "auth", "db"],
  "apps/web/{e2e,bench,http-tests}/**/*.ts": ["api", "services", "contracts", "catalog", "core", "auth", "db"],
  "packages/agent/**/*.test.ts": ["contracts", "catalog", "sdk", "engine-sim"],
  "packages/agent/src/testing/**/*.ts": ["contracts", "catalog", "sdk", "engine-sim"],
  // The worker's integration tests check that what it writes is what the wire promises agents.
  "apps/worker/src/**/*.integration.test.ts": ["services", "db", "core", "contracts"],
};

// The planner and the catalog are pure: no database, queue, network or clock.
const PURE = ["packages/planner", "packages/catalog"];
const IO_MODULES = [
  "@prisma/*",
  "ioredis",
  "bullmq",
  "pg",
  "node:fs",
  "fs",
  "node:http",
  "node:https",
  "node:net",
  "undici",
  "node-fetch",
  "axios",
];
const PURE_MESSAGE = "packages/planner and packages/catalog stay pure: no I/O.";

function forbiddenKoi(dir, allowed) {
  const group = ["@koi/*", ...allowed.flatMap((name) => [`!@koi/${name}`, `!@koi/${name}/*`])];
  return {
    group,
    message: allowed.length
      ? `${dir} may import only ${allowed.map((n) => `@koi/${n}`).join(", ")}.`
      : `${dir} imports no @koi package.`,
  };
}

function layerRules() {
  return Object.entries(LAYERS).flatMap(([dir, allowed]) => {
    const pure = PURE.includes(dir);
    const restrict = (names, withIo) => [
      "error",
      { patterns: [forbiddenKoi(dir, names), ...(withIo ? [{ group: IO_MODULES, message: PURE_MESSAGE }] : [])] },
    ];
    const configs = [
      {
        files: [`${dir}/**/*.{ts,tsx}`],
        rules: { "no-restricted-imports": restrict(allowed, false) },
      },
    ];
    if (pure) {
      configs.push({
        files: [`${dir}/src/**/*.ts`],
        rules: {
          "no-restricted-imports": restrict(allowed, true),
          "no-restricted-globals": ["error", { name: "fetch", message: PURE_MESSAGE }],
          "no-restricted-properties": [
            "error",
            { object: "Date", property: "now", message: "Pass `now` in: the planner has no clock." },
            { object: "Math", property: "random", message: "Use the seeded RNG." },
          ],
        },
      });
    }
    return configs;
  });
}

function extraRules() {
  return Object.entries(EXTRAS).map(([glob, allowed]) => ({
    files: [glob],
    rules: { "no-restricted-imports": ["error", { patterns: [forbiddenKoi(glob, allowed)] }] },
  }));
}

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/.next/**",
      "**/generated/**",
      "**/dist/**",
      "**/next-env.d.ts",
      "**/test-results/**",
      "**/playwright-report/**",
      ".stryker-tmp/**",
      "reports/**",
      "stryker-setup-*.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
    },
  },
  {
    files: ["**/*.mjs", "**/*.cjs", "**/*.js"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly", WebAssembly: "readonly" },
    },
  },
  ...layerRules(),
  ...extraRules(),
);
