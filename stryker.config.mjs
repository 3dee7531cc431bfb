// @ts-check
// Mutation testing (`npm run test:mutation`, not in CI: it takes tens of minutes). Two targets run
// one after the other, picked by KOI_MUTATION_TARGET, because Stryker's vitest runner loads every
// project of a vitest config and has no project filter:
// - planner: packages/planner/src/{select,forecast,rebalance}, killed by the `unit` project;
// - services: packages/services/src/{workloads,agents}, killed by the `integration` and `unit` projects
//   (real Postgres and Redis; its global setup makes a throwaway database per test-runner start).
// Results: reports/mutation/<target>/ (gitignored). docs/benchmarks.md records the scores.

const TARGETS = {
  planner: {
    vitestConfig: "tests/mutation/vitest.unit.config.ts",
    mutate: [
      "packages/planner/src/{select,forecast,rebalance}/**/*.ts",
      "!**/*.test.ts",
      // Test and benchmark support, not planner code: the seeded instance generator and the
      // brute-force oracle that the optimiser is checked against.
      "!packages/planner/src/select/random-instances.ts",
      "!packages/planner/src/select/brute-force.ts",
      // Inputs that tests build by hand (select/test-inputs.ts, forecast/test-plans.ts).
      "!packages/planner/src/**/test-*.ts",
    ],
  },
  services: {
    vitestConfig: "tests/mutation/vitest.services.config.ts",
    mutate: [
      "packages/services/src/{workloads,agents}/**/*.ts",
      "!**/*.test.ts",
      // Rows and agents that tests set up.
      "!**/test-fixtures.ts",
      // zod declarations of the API's views and inputs: no logic of the services, and checked where
      // they are used, by packages/api's tests (not part of this run).
      "!**/*.schema.ts",
    ],
  },
};

const target = process.env.KOI_MUTATION_TARGET;
if (target !== "planner" && target !== "services") {
  throw new Error("Set KOI_MUTATION_TARGET=planner or services (npm run test:mutation runs both).");
}
const { vitestConfig, mutate } = TARGETS[target];
const out = `reports/mutation/${target}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate,
  testRunner: "vitest",
  vitest: { configFile: vitestConfig, related: true },
  coverageAnalysis: "perTest",
  // Mutants that run only while test files load (module-level tables, and code that test files
  // call while they collect) would need every related test file reloaded per mutant: hours on this
  // machine. They are reported as Ignored; mutants also covered inside a test still run.
  ignoreStatic: true,
  // vitest strips types without checking them: no `// @ts-nocheck` needs writing into files.
  disableTypeChecks: false,
  // The machine has 2 cores and is shared: one test runner.
  concurrency: 1,
  // Mutate the worktree's files (restored at the end) rather than a copy: tests in other
  // workspaces import @koi/planner and @koi/services through node_modules symlinks, which from a
  // sandbox copy would still point at the unmutated sources.
  inPlace: true,
  tempDirName: ".stryker-tmp",
  incremental: true,
  incrementalFile: `${out}/stryker-incremental.json`,
  reporters: ["clear-text", "html", "json", "progress"],
  htmlReporter: { fileName: `${out}/mutation.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  thresholds: { high: 80, low: 60, break: null },
  // Integration tests set up rows before each test: give a slow mutant run room before "timeout".
  timeoutMS: target === "services" ? 15_000 : 5_000,
};
