import { mutationProjects } from "./vitest-project.ts";

// `npm run test:mutation:services`: the services' own tests — the `integration` project, with its
// global setup (one throwaway Postgres database and Redis prefix per start of the test runner), and
// the `unit` project for their pure helpers (usage counters, cost projection, ...).
// Tests elsewhere that reach these folders through the API or a worker process (apps/web,
// apps/worker, packages/api) are left out: each starts workers or route handlers in its setup, which
// made one mutant cost tens of seconds here (a first run estimated 3 h for 479 mutants), and the
// worker's fault-injection tests miss their 30 s recovery deadlines under instrumentation.
export default mutationProjects(["unit", "integration"], {
  unit: ["packages/services/src/**/*.test.ts"],
  integration: ["packages/services/src/**/*.integration.test.ts"],
});
