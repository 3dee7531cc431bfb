#!/usr/bin/env bash
# The README's first command, run as a newcomer would and checked: `bash scripts/start.sh` on its
# own throwaway database, Redis prefix and state directory (the developer's .env, `koi` database
# and .koi/ are not touched), then scripts/lib/check-quickstart.ts against it, then Ctrl-C, which
# must stop everything cleanly and free every port. Needs the build (test-all.sh's build step) and
# the quick start's ports (3000, 3100, 8080, 8081, 8091, 8092, 26336, 26337) free.
set -euo pipefail

KOI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$KOI_ROOT"
# shellcheck source=scripts/lib/ensure-services.sh
source "$KOI_ROOT/scripts/lib/ensure-services.sh"

STATE="$KOI_ROOT/.koi/quickstart-test"
rm -rf "$STATE"
mkdir -p "$STATE"
DB="koi_quickstart_${RANDOM}${RANDOM}"
sed -e "s|^DATABASE_URL=.*|DATABASE_URL=postgresql://postgres@127.0.0.1:5432/$DB|" \
  -e "s|^KOI_REDIS_PREFIX=.*|KOI_REDIS_PREFIX=$DB|" \
  -e "s|^AUTH_SECRET=.*|AUTH_SECRET=quickstart-test-$RANDOM$RANDOM$RANDOM$RANDOM|" .env.example >"$STATE/.env"
LOG="$STATE/start.log"

drop_database() {
  node --import tsx --input-type=module \
    -e 'const { dropDatabase } = await import("@koi/db/test-database"); await dropDatabase(process.argv[1]);' \
    "postgresql://postgres@127.0.0.1:5432/$DB" || true
}

# Job control: the background start.sh gets its own process group and keeps SIGINT (a
# non-interactive shell would start it with SIGINT ignored), so the Ctrl-C below reaches it.
set -m
KOI_ENV_FILE="$STATE/.env" KOI_STATE_DIR="$STATE" KOI_NPM_CI=never KOI_BUILD="${KOI_BUILD:-never}" \
  bash scripts/start.sh >"$LOG" 2>&1 &
START_PID=$!
set +m
fail() {
  koi_err "$1 (the quick start's output follows)"
  tail -n 60 "$LOG" >&2
  if kill -INT "$START_PID" 2>/dev/null; then wait "$START_PID" 2>/dev/null || true; fi
  drop_database
  exit 1
}

deadline=$((SECONDS + 300))
until grep -q "Koi is running" "$LOG"; do
  kill -0 "$START_PID" 2>/dev/null || fail "start.sh exited before Koi was running"
  ((SECONDS < deadline)) || fail "Koi was not running within 300 s"
  sleep 2
done
koi_say "start.sh says Koi is running after ${SECONDS}s; checking what the README promises"

node --import tsx scripts/lib/check-quickstart.ts || fail "the running quick start broke a promise of the README"

koi_say "Ctrl-C"
kill -INT "$START_PID"
rc=0
wait "$START_PID" || rc=$?
((rc == 130)) || fail "start.sh exited with $rc after Ctrl-C (expected 130)"
if grep -E "error: .* exited|did not stop in 10 s" "$LOG"; then fail "Ctrl-C did not stop everything cleanly"; fi
grep -q "stopped web worker" "$LOG" || fail "start.sh did not say what it stopped"
for port in 3000 3100 8080 8081 8091 8092 26336 26337; do
  if koi_port_open 127.0.0.1 "$port"; then fail "port $port still answers after Ctrl-C"; fi
done
drop_database
koi_say "quick start: started, kept its promises and stopped cleanly"
