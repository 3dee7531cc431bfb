import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
  {
    // The planner and the catalog it reads are pure: no database, queue, network or clock.
    files: ["packages/planner/src/**/*.ts", "packages/catalog/src/**/*.ts"],
    ignores: ["packages/planner/src/cli/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@prisma/*",
                "@koi/db",
                "@koi/db/*",
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
              ],
              message: "packages/planner and packages/catalog stay pure: no I/O.",
            },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "fetch", message: "packages/planner and packages/catalog stay pure: no I/O." },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "Pass `now` in: the planner has no clock." },
        { object: "Math", property: "random", message: "Use the seeded RNG." },
      ],
    },
  },
);
