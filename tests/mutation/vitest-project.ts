import { fileURLToPath } from "node:url";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import base from "../../vitest.config.ts";

type TName = "unit" | "integration";
const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Some projects of the root `vitest.config.ts` as a config of their own, for Stryker's vitest
 * runner: it loads every project of the file it is given and has no project filter, so without
 * this a planner run would also start the `http` project's global setup (a built server).
 * `include` narrows a project to some of its test files.
 */
export function mutationProjects(names: TName[], include: Partial<Record<TName, string[]>> = {}) {
  const projects = (base.test?.projects ?? [])
    .filter(
      (p): p is TestProjectInlineConfiguration =>
        typeof p === "object" && "test" in p && names.includes(p.test?.name as TName),
    )
    .map((p) => {
      const narrowed = include[p.test?.name as TName];
      return narrowed ? { ...p, test: { ...p.test, include: narrowed } } : p;
    });
  if (projects.length !== names.length) throw new Error(`vitest.config.ts lacks one of ${names.join(", ")}`);
  return defineConfig({ root, test: { projects } });
}
