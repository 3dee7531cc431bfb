#!/usr/bin/env bash
# `npm run typecheck`: the whole repo in two TypeScript programs instead of one per package, so a
# file is checked once rather than once for every package that imports it (the per-package
# `typecheck` scripts remain for working on one package). Next.js's global types must not reach
# the packages that never load it, hence two halves; a workspace in neither would go unchecked.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for dir in apps/* packages/*; do
  [[ -f $dir/tsconfig.json ]] || continue
  if ! grep -q "\"$dir/" tsconfig.typecheck-node.json tsconfig.typecheck-next.json; then
    echo "typecheck: $dir is in neither tsconfig.typecheck-node.json nor tsconfig.typecheck-next.json; add it to one" >&2
    exit 1
  fi
done

# The web app's route types (.next/types), which its pages' props are checked against.
(cd apps/web && npx next typegen >/dev/null)
npx tsc -p tsconfig.typecheck-node.json
npx tsc -p tsconfig.typecheck-next.json
