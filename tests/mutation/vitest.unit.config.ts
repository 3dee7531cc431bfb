import { mutationProjects } from "./vitest-project.ts";

// `npm run test:mutation:planner`: the `unit` project alone (the planner is pure code).
export default mutationProjects(["unit"]);
