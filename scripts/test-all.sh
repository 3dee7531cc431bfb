#!/usr/bin/env bash
# Runs the whole test suite, the way CI does:
#
#   bash scripts/test-all.sh                 # install, lint, typecheck, unit, integration, build, quickstart, http, e2e
#   bash scripts/test-all.sh unit e2e        # only the named steps (install is always checked)
#
# Each step is timed; the first failure stops the run with its exit code. Needs Postgres and
# Redis on this machine (started here if they are installed but stopped) and Debian's Chromium
# at /usr/bin/chromium for e2e. The suite never touches the `koi` database from .env: integration
# and e2e tests create throwaway databases and Redis key prefixes of their own.
# KOI_NPM_CI=auto|always|never controls `npm ci` (always when CI=true).
set -euo pipefail

KOI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$KOI_ROOT"
# shellcheck source=scripts/lib/ensure-services.sh
source "$KOI_ROOT/scripts/lib/ensure-services.sh"

ALL_STEPS=(lint typecheck unit integration build quickstart http e2e)
if (($#)); then
  for s in "$@"; do
    [[ " ${ALL_STEPS[*]} " == *" $s "* ]] || { koi_err "unknown step '$s' (steps: ${ALL_STEPS[*]})"; exit 2; }
  done
  STEPS=("$@")
else
  STEPS=("${ALL_STEPS[@]}")
fi
wants() { [[ " ${STEPS[*]} " == *" $1 "* ]]; }

# The suite's own environment: nothing from a developer's .env leaks in.
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
export KOI_TEST_DATABASE_URL=${KOI_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
export KOI_TEST_REDIS_URL=${KOI_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
export REDIS_URL=$KOI_TEST_REDIS_URL
export AUTH_SECRET=${KOI_TEST_AUTH_SECRET:-test-secret-not-for-production-0123456789abcdef}
export APP_URL=http://localhost:3000
unset DATABASE_URL NODE_ENV SMTP_URL MAIL_FROM LOG_LEVEL KOI_REDIS_PREFIX KOI_OPEN_SIGNUP KOI_TRUST_PROXY \
  KOI_WAITLIST_LIMIT_PER_HOUR KOI_AUTH_LIMIT_PER_15_MIN KOI_WORKER_HEALTH_PORT KOI_WORKER_HEALTH_HOST KOI_DEV_MAIL KOI_WEBHOOK_ALLOWED_HOSTS \
  AUTH_URL AUTH_GITHUB_ID AUTH_GITHUB_SECRET AUTH_GOOGLE_ID AUTH_GOOGLE_SECRET

koi_check_node

# Chromium first: finding out it is missing after ten minutes of other steps helps nobody.
if wants e2e && [[ ! -x /usr/bin/chromium ]]; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    koi_say "installing Debian's Chromium for the e2e tests (apt-get install -y chromium)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    koi_err "the e2e tests drive Debian's Chromium at /usr/bin/chromium. Install it with:"
    printf '\n    sudo apt-get install -y chromium\n\n' >&2
    exit 1
  fi
fi

declare -a DONE=()
run_step() { # run_step <label> <command...>
  local label=$1; shift
  local started=$SECONDS
  printf '\n\033[1;36m━━ %s\033[0m  (%s)\n' "$label" "$*"
  local rc=0
  "$@" || rc=$?
  local took=$((SECONDS - started))
  if ((rc != 0)); then
    printf '\n\033[1;31m✗ %s failed after %ss (exit %s)\033[0m\n' "$label" "$took" "$rc" >&2
    summary
    exit "$rc"
  fi
  printf '\033[1;32m✓ %s\033[0m  %ss\n' "$label" "$took"
  DONE+=("$(printf '%-12s %5ss' "$label" "$took")")
}
summary() {
  ((${#DONE[@]})) || return 0
  printf '\nsteps that passed:\n'
  printf '  %s\n' "${DONE[@]}"
}

TOTAL_START=$SECONDS
run_step install koi_npm_install
if wants integration || wants quickstart || wants http || wants e2e; then
  run_step services koi_ensure_services "$KOI_TEST_DATABASE_URL" "$KOI_TEST_REDIS_URL"
fi
wants lint && run_step lint npm run lint
wants typecheck && run_step typecheck npm run typecheck
wants unit && run_step unit npm run test:unit
wants integration && run_step integration npm run test:integration
# `next build` imports server modules; a build that tried to reach a database would fail here
# on this placeholder instead of quietly reading the developer's data.
wants build && run_step build env DATABASE_URL=postgresql://postgres@127.0.0.1:5432/koi_build_has_no_database \
  npm run build
# The README's first command on the build above (its own database and state), checked and stopped.
wants quickstart && run_step quickstart bash scripts/test-quickstart.sh
# The security suite: the build above, started on a throwaway database and attacked over HTTP.
wants http && run_step http npm run test:http
wants e2e && run_step e2e npm run e2e

summary
printf '\n\033[1;32mall %s steps passed in %ss\033[0m\n' "${#DONE[@]}" "$((SECONDS - TOTAL_START))"
