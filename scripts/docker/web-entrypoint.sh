#!/usr/bin/env bash
# Container entry point of the web app (Dockerfile CMD): migrate, seed if asked, serve.
set -euo pipefail
cd /app
node packages/db/scripts/wasm-migrate.mjs deploy
if [[ ${KOI_SEED_DEMO:-false} == true ]]; then
  # The demo org and its well-known passwords: for a local trial, never a real deployment.
  npm run --silent db:seed
fi
cd apps/web
exec node ../../node_modules/next/dist/bin/next start -p "${PORT:-3000}"
