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
# All interfaces inside the container: docker-compose.yml publishes the port on the host's loopback.
exec node --import tsx server/main.ts --port "${PORT:-3000}" --hostname 0.0.0.0
