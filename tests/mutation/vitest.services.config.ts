import { mutationProjects } from "./vitest-project.ts";

// `npm run test:mutation:services`: the `integration` project, with its global setup (one
// throwaway Postgres database and Redis prefix per start of the test runner), and the `unit`
// project for the services' pure helpers (usage counters, cost projection, ...).
export default mutationProjects("unit", "integration");
