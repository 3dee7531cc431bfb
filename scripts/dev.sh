#!/usr/bin/env bash
# Development mode: `next dev` (hot reload; /dev/mail shows stored emails) and the worker in
# watch mode, with the same .env, Postgres and Redis as scripts/start.sh. Run start.sh once
# first: it installs dependencies and creates .env and the database.
#
#   bash scripts/dev.sh        # web on http://localhost:3000, worker health on :3100
set -euo pipefail

KOI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$KOI_ROOT"
# shellcheck source=scripts/lib/ensure-services.sh
source "$KOI_ROOT/scripts/lib/ensure-services.sh"
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1

if [[ ! -f .env || ! -d node_modules ]]; then
  koi_err "run \`bash scripts/start.sh\` once first (it installs dependencies and creates .env)"
  exit 1
fi
set -a
# shellcheck disable=SC1091
source .env
set +a

koi_ensure_services "$DATABASE_URL" "$REDIS_URL"
node scripts/lib/ensure-database.mjs
npm run --silent db:migrate
# Next.js reads .env files from apps/web only; the exported variables above reach every dev
# task because loose env mode passes the whole environment through turbo.
exec npx turbo run dev --env-mode=loose
