#!/usr/bin/env bash
# `npm run typecheck`: the whole repo in two TypeScript programs instead of one per package, so a
# file is checked once rather than once for every package that imports it (the per-package
# `typecheck` scripts remain for working on one package). Next.js's global types must not reach
# the packages that never load it, hence two halves; a path in neither would go unchecked.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

node scripts/lib/check-typecheck-coverage.mjs

# The web app's route types (.next/types), which its pages' props are checked against.
(cd apps/web && npx next typegen >/dev/null)
npx tsc -p tsconfig.typecheck-node.json
npx tsc -p tsconfig.typecheck-next.json
