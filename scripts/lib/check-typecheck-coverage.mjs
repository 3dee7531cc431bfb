// `npm run typecheck` runs two TypeScript programs (tsconfig.typecheck-node.json and
// tsconfig.typecheck-next.json) instead of each workspace's own tsconfig.json: every path a
// workspace's tsconfig includes must be in one of them, or it would silently go unchecked.
import { existsSync, readdirSync, readFileSync } from "node:fs";

const read = (file) => JSON.parse(readFileSync(file, "utf8").replace(/^\s*\/\/.*$/gm, ""));
const covered = new Set(
  ["tsconfig.typecheck-node.json", "tsconfig.typecheck-next.json"].flatMap((file) => read(file).include),
);
const missing = [];
for (const root of ["apps", "packages"])
  for (const name of readdirSync(root)) {
    const file = `${root}/${name}/tsconfig.json`;
    if (!existsSync(file)) continue;
    for (const glob of read(file).include ?? [])
      if (!covered.has(`${root}/${name}/${glob}`)) missing.push(`${root}/${name}/${glob}`);
  }
if (missing.length) {
  console.error(
    `typecheck: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} in neither tsconfig.typecheck-node.json nor tsconfig.typecheck-next.json; add each to one`,
  );
  process.exit(1);
}
