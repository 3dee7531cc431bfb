#!/usr/bin/env bash
# Installs everything and starts Koi (web app + worker) with the demo organisation.
#
#   bash scripts/start.sh
#
# Steps: check Node ≥ 20.19 → .env (created from .env.example with a fresh AUTH_SECRET when
# missing) → npm ci → Postgres + Redis (used if they answer, else started) → database `koi`
# → migrations → demo seed → production build → web on :3000 and worker in the foreground
# → the demo (simulated engines, three agents, the scenario; KOI_DEMO=0 skips it).
# Each phase says what it does, how long it usually takes and how long it took.
# Ctrl-C stops everything. Safe to run again: every step is idempotent, and the second run
# skips npm ci and the build when nothing they depend on changed.
#
# Environment knobs: KOI_NPM_CI=auto|always|never (default auto: reinstall only when
# package-lock.json changed), KOI_BUILD=auto|always|never (default auto: rebuild only when a
# source file under apps/web or packages/, the lockfile or a root config changed since the last
# successful build; KOI_SKIP_BUILD=1 is the old spelling of never).
# The web port is fixed at 3000: session cookies and emailed links use APP_URL
# (http://localhost:3000); to move it, change both APP_URL and WEB_PORT below.
set -euo pipefail

KOI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$KOI_ROOT"
# shellcheck source=scripts/lib/ensure-services.sh
source "$KOI_ROOT/scripts/lib/ensure-services.sh"
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

WEB_PORT=3000
# Logs, demo keys and the demo agents' state (KOI_STATE_DIR: the quick-start test keeps its own).
STATE_DIR=${KOI_STATE_DIR:-$KOI_ROOT/.koi}
LOG_DIR="$STATE_DIR/logs"
# The demo's ports: simulated Orca east/west, their simulators' Tuna routers, the agents' webhook listeners.
DEMO_PORTS=(26336 26337 8080 8081 8091 8092)

# phase <what> <usual duration>: announces a phase; phase_done prints how long it took.
PHASE_START=$SECONDS
phase() {
  PHASE_START=$SECONDS
  koi_say "$1${2:+ (usually $2)}"
}
phase_done() {
  local took=$((SECONDS - PHASE_START))
  printf '    done in %dm %02ds\n' $((took / 60)) $((took % 60))
}

koi_check_node

# --- configuration -------------------------------------------------------------------------
# KOI_ENV_FILE points at another settings file (the quick-start test uses a throwaway database).
ENV_FILE=${KOI_ENV_FILE:-.env}
if [[ ! -f $ENV_FILE ]]; then
  if command -v openssl >/dev/null 2>&1; then
    secret=$(openssl rand -base64 32 | tr -d '\n')
  else
    secret=$(node -e 'console.log(require("node:crypto").randomBytes(32).toString("base64"))')
  fi
  # /dev/mail stays off (KOI_DEV_MAIL=false): without SMTP each email is printed below as a [mail] line.
  sed -e "s|^AUTH_SECRET=.*|AUTH_SECRET=$secret|" .env.example >"$ENV_FILE"
  chmod 600 "$ENV_FILE"
  koi_say "created $ENV_FILE from .env.example with a fresh AUTH_SECRET"
else
  koi_say "using the existing $ENV_FILE"
fi
set -a
# shellcheck disable=SC1090
source "$ENV_FILE"
set +a
: "${DATABASE_URL:?DATABASE_URL is not set in $ENV_FILE}"
: "${REDIS_URL:?REDIS_URL is not set in $ENV_FILE}"
WORKER_HEALTH_PORT=${KOI_WORKER_HEALTH_PORT:-3100}
export APP_URL=${APP_URL:-http://localhost:$WEB_PORT}

# --- dependencies and services -----------------------------------------------------------
phase "dependencies" "~3 min the first time, a few seconds after"
koi_npm_install
phase_done
phase "Postgres and Redis" "a few seconds; up to a minute when they have to start"
koi_ensure_services "$DATABASE_URL" "$REDIS_URL"
phase_done

# --- database --------------------------------------------------------------------------------
phase "database: creating it if missing, applying migrations" "~10 s"
node scripts/lib/ensure-database.mjs
if ! npm run --silent db:migrate; then
  db_name=${DATABASE_URL##*/}
  koi_err "the migrations did not apply to the database $db_name."
  printf '  If it predates a migration that was edited or renamed since (it happens while developing),\n' >&2
  printf '  start it afresh (its data is lost):\n\n    dropdb -h 127.0.0.1 -U postgres %s && bash scripts/start.sh\n\n' "$db_name" >&2
  exit 1
fi
phase_done
phase "seeding the demo organisation" "~10 s"
npm run --silent db:seed
phase_done

# --- build -----------------------------------------------------------------------------------
# The web app's production build depends on its own source, the workspace packages it bundles,
# the installed dependencies and the root configs; the hash of all of them is kept beside the build.
BUILD_STAMP=apps/web/.next/koi-source-hash
SHA256=(sha256sum)
command -v sha256sum >/dev/null 2>&1 || SHA256=(shasum -a 256)
source_hash() { # names and contents of every file the build reads (next-env.d.ts it writes itself)
  {
    find apps/web packages \( -name node_modules -o -name .next -o -name .turbo -o -name test-results -o -name playwright-report -o -name next-env.d.ts \) -prune \
      -o -type f -print0 | LC_ALL=C sort -z | xargs -0 "${SHA256[@]}" --
    "${SHA256[@]}" -- package-lock.json package.json turbo.json tsconfig.base.json
  } | "${SHA256[@]}" | cut -d' ' -f1
}
BUILD_MODE=${KOI_BUILD:-auto}
[[ ${KOI_SKIP_BUILD:-} == 1 ]] && BUILD_MODE=never
current_hash=$(source_hash)
if [[ $BUILD_MODE == never && -f apps/web/.next/BUILD_ID ]]; then
  koi_say "reusing the last build (KOI_BUILD=never)"
elif [[ $BUILD_MODE == auto && -f apps/web/.next/BUILD_ID && -f $BUILD_STAMP && "$(cat "$BUILD_STAMP")" == "$current_hash" ]]; then
  koi_say "reusing the last build: no source changed since (KOI_BUILD=always rebuilds)"
else
  phase "building the web app (npm run build)" "~1 min on 2 cores; Next.js prints little until it is done"
  rm -f "$BUILD_STAMP"
  npm run build
  printf '%s\n' "$current_hash" >"$BUILD_STAMP"
  phase_done
fi

# --- processes -------------------------------------------------------------------------------
# Every long-running process is started with start_process, which records the PID of the
# program itself (exec, no npm/npx wrapper in between) so that stopping it really stops it.
PIDS=()
NAMES=()

STOPPING=0

port_busy() { koi_port_open 127.0.0.1 "$1" || koi_port_open ::1 "$1"; }

# Children run in their own session (setsid, where there is one) so that Ctrl-C reaches only this
# script, which then stops them in order, instead of killing them all at once behind its back.
SETSID=()
command -v setsid >/dev/null 2>&1 && SETSID=(setsid)

start_process() { # start_process <name> <dir> <command...>
  local name=$1 dir=$2; shift 2
  mkdir -p "$LOG_DIR"
  : >"$LOG_DIR/$name.log"
  # Output goes to the terminal with a [name] prefix and to $LOG_DIR/<name>.log.
  (cd "$dir" && exec "${SETSID[@]}" "$@") > >(sed -u "s/^/[$name] /" | tee -a "$LOG_DIR/$name.log") 2>&1 &
  PIDS+=("$!")
  NAMES+=("$name")
}

# shellcheck disable=SC2317 # called from the traps below
stop_all() {
  STOPPING=1
  trap - EXIT INT TERM HUP
  local i
  for i in "${!PIDS[@]}"; do
    if kill -0 "${PIDS[$i]}" 2>/dev/null; then kill -TERM "${PIDS[$i]}" 2>/dev/null || true; fi
  done
  for _ in $(seq 20); do
    local alive=0
    for i in "${!PIDS[@]}"; do kill -0 "${PIDS[$i]}" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.5
  done
  for i in "${!PIDS[@]}"; do
    if kill -0 "${PIDS[$i]}" 2>/dev/null; then
      koi_warn "${NAMES[$i]} (pid ${PIDS[$i]}) did not stop in 10 s: killing it"
      kill -KILL "${PIDS[$i]}" 2>/dev/null || true
    fi
  done
  ((${#PIDS[@]})) && koi_say "stopped ${NAMES[*]}"
  return 0
}
trap 'STOPPING=1; echo; koi_say "stopping (Ctrl-C)"; stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all; exit 129' HUP
trap 'stop_all' EXIT

for port in "$WEB_PORT" "$WORKER_HEALTH_PORT"; do
  if port_busy "$port"; then
    koi_err "port $port is already in use — is Koi (or another dev server) running? Stop it first."
    exit 1
  fi
done

# The demo's simulated Tuna runs a day in ten minutes (144 times real time) and bills GPU-seconds
# as fast; real engines keep the .env figure (KOI_USAGE_TIME_SCALE, agents/usage-plausibility.ts).
if [[ ${KOI_DEMO:-1} != 0 ]]; then export KOI_USAGE_TIME_SCALE=200; fi
phase "starting the web app on http://localhost:$WEB_PORT and the worker" "~15 s until both answer"
# Loopback only: the quick start's demo passwords and mail must not be reachable from the network.
start_process web apps/web node --import tsx server/main.ts --port "$WEB_PORT" --hostname 127.0.0.1
# The worker, like the production web build, runs as production: its /metrics then answers only
# with KOI_METRICS_TOKEN (README, "Addresses and ports").
start_process worker apps/worker env NODE_ENV=production node --import tsx src/main.ts
if [[ -z ${SMTP_URL:-} ]]; then
  # No mail server: emails are only stored, and /dev/mail is off in a production build, so
  # print each one (with its link) here.
  start_process mail "$KOI_ROOT" node scripts/lib/print-new-mail.mjs
fi
# ---- more processes -----------------------------------------------------------------------
# Add further long-running processes here with start_process <name> <dir> <command...>, and,
# if they serve HTTP, a wait_http line below. The demo's engines and agents start further down,
# once the web app answers (they need it to register).

# --- wait until they answer --------------------------------------------------------------
http_up() { # any HTTP answer below 500
  local code
  code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || true)
  [[ $code =~ ^[1-4][0-9][0-9]$ ]]
}
all_alive() {
  local i
  for i in "${!PIDS[@]}"; do
    kill -0 "${PIDS[$i]}" 2>/dev/null && continue
    # A process that ends because we are stopping is no error.
    ((STOPPING)) || koi_err "${NAMES[$i]} exited (log: $LOG_DIR/${NAMES[$i]}.log)"
    return 1
  done
}
wait_http() { # wait_http <label> <url> <seconds>
  local deadline=$((SECONDS + $3))
  until http_up "$2"; do
    all_alive || exit 1
    if ((SECONDS >= deadline)); then koi_err "$1 did not answer at $2 within $3 s"; exit 1; fi
    sleep 1
  done
}
if ! command -v curl >/dev/null 2>&1; then
  curl() { node -e '
    const url = process.argv.at(-1);
    fetch(url, { signal: AbortSignal.timeout(5000) })
      .then((r) => { process.stdout.write(String(r.status)); })
      .catch(() => { process.stdout.write("000"); });
  ' "$@"; }
fi
wait_http "the web app" "http://localhost:$WEB_PORT/" 120
wait_http "the worker" "http://localhost:$WORKER_HEALTH_PORT/healthz" 60
phase_done

# ---- the demo: simulated engines, their agents and the story (README "The demo") ----------
# KOI_DEMO=0 skips it. Fresh engine keys at every start (previous demo keys are revoked; only
# hashes are stored); the secrets reach the agents through their environment, never argv.
DEMO=${KOI_DEMO:-1}
if [[ $DEMO == 1 ]]; then
  for port in "${DEMO_PORTS[@]}"; do
    if port_busy "$port"; then koi_warn "port $port is in use: skipping the demo engines (KOI_DEMO=0 silences this)"; DEMO=0; break; fi
  done
fi
if [[ $DEMO == 1 ]]; then
  phase "demo: engine keys, two simulated Orca clusters, a Tuna router and three agents" "~20 s"
  export KOI_DEMO_KEYS_FILE="$STATE_DIR/demo/keys.json"
  node --import tsx scripts/lib/demo-agent-keys.ts
  demo_key() { node -p "require(process.argv[1])['$1']" "$KOI_DEMO_KEYS_FILE"; }
  AGENT_DIR="$STATE_DIR/demo/agents"
  mkdir -p "$AGENT_DIR"
  # Two Orca clusters (orca-east: 16 H100 spot, running at 0.3× the perf model; orca-west: 8 A100
  # on-demand) and one Tuna chat service (:8080) whose day of traffic runs 144× real time, so a
  # night and an afternoon peak pass in ten minutes.
  # A fresh seed per start: the simulators' Orca job and event ids must not repeat the previous
  # run's, which Koi (event dedup, idempotency keys) and the agents' saved state still know.
  start_process sim-east apps/engine-sim env KOI_SERVICE_URL="http://orca:demo-east@127.0.0.1:8091" node --import tsx src/cli.ts --config demo/orca-east.json --seed "$RANDOM"
  start_process sim-tuna apps/engine-sim node --import tsx src/cli.ts --config demo/tuna-chat.json --seed "$RANDOM"
  start_process sim-west apps/engine-sim env KOI_SERVICE_URL="http://orca:demo-west@127.0.0.1:8092" node --import tsx src/cli.ts --config demo/orca-west.json --seed "$RANDOM"
  start_process agent-east "$KOI_ROOT" env KOI_API_KEY="$(demo_key orca-east)" KOI_WEBHOOK_SECRET=demo-east \
    node packages/agent/bin/koi-agent.mjs --koi-url "http://localhost:$WEB_PORT" --engine orca --engine-url http://127.0.0.1:26336 \
    --webhook-port 8091 --cluster-name orca-east --region us-east-1 --spool-dir "$AGENT_DIR/orca-east"
  start_process agent-west "$KOI_ROOT" env KOI_API_KEY="$(demo_key orca-west)" KOI_WEBHOOK_SECRET=demo-west \
    node packages/agent/bin/koi-agent.mjs --koi-url "http://localhost:$WEB_PORT" --engine orca --engine-url http://127.0.0.1:26337 \
    --webhook-port 8092 --cluster-name orca-west --region us-west-2 --spool-dir "$AGENT_DIR/orca-west"
  start_process agent-tuna "$KOI_ROOT" env KOI_API_KEY="$(demo_key tuna)" \
    node packages/agent/bin/koi-agent.mjs --koi-url "http://localhost:$WEB_PORT" --engine tuna --engine-url http://127.0.0.1:8080 \
    --tuna-model meta-llama/Llama-3.1-8B-Instruct --tuna-gpu L4 --tuna-gpu-count 1 --tuna-serverless-provider modal \
    --tuna-spot-max-replicas 8 --tuna-variant L40S=http://127.0.0.1:8080/_sim/skyserve/L40S --report-interval 5 \
    --cluster-name tuna-chat --region us-east-1 --spool-dir "$AGENT_DIR/tuna"
  wait_http "the simulated Orca (east)" "http://127.0.0.1:26336/health" 60
  wait_http "the simulated Orca (west)" "http://127.0.0.1:26337/health" 60
  start_process demo apps/engine-sim node --import tsx src/demo/run-demo-scenario.ts --koi-url "http://localhost:$WEB_PORT" --keys "$KOI_DEMO_KEYS_FILE"
  phase_done
fi

read -r pg_host pg_port < <(koi_url_host_port "$DATABASE_URL")
read -r redis_host redis_port < <(koi_url_host_port "$REDIS_URL")
# The box is as wide as its longest line (ASCII only, so that ${#line} is its width on screen).
BOX=()
row() { BOX+=("$1"); }
rule() { BOX+=("-"); }
rule
row "Koi is running.  Ctrl-C stops it."
rule
row "Web app          http://localhost:$WEB_PORT"
if [[ -z ${SMTP_URL:-} ]]; then
  row "Emails           not sent (SMTP_URL is empty): printed here as [mail] lines"
else
  row "Emails           sent through SMTP_URL"
fi
row "Worker health    http://localhost:$WORKER_HEALTH_PORT/healthz"
row "Postgres         $pg_host:$pg_port  database ${DATABASE_URL##*/}"
row "Redis            $redis_host:$redis_port  key prefix ${KOI_REDIS_PREFIX:-koi}"
if [[ $DEMO == 1 ]]; then
  row "Demo engines     Orca sims :26336 (orca-east), :26337 (orca-west)"
  row "                 Tuna routers :8080 (tuna-chat), :8081 (west sim's, idle)"
  row "                 agents' webhook listeners :8091, :8092"
fi
rule
row "Demo login       demo@koi.local / koi-demo-2026    owner of Acme AI"
row "Staff login      staff@koi.local / koi-staff-2026  staff, /admin/waitlist"
if [[ $DEMO == 1 ]]; then
  row "Demo             2 Orca clusters + 1 Tuna chat service (engine-sim), 3 koi-agents;"
  row "                 the story plays as [demo] lines: Fleet, Workloads and Costs pages"
fi
row "Logs             ${LOG_DIR#"$KOI_ROOT"/}/<name>.log"
rule
print_box() {
  local line width=0 border
  for line in "${BOX[@]}"; do ((${#line} > width)) && width=${#line}; done
  border=$(printf '%*s' $((width + 2)) '' | tr ' ' '-')
  echo
  for line in "${BOX[@]}"; do
    if [[ $line == "-" ]]; then printf '  +%s+\n' "$border"; else printf '  | %-*s |\n' "$width" "$line"; fi
  done
  echo
}
print_box

# Stay in the foreground until one process exits (or Ctrl-C), then stop the others.
while all_alive 2>/dev/null; do sleep 1; done
all_alive || true
exit 1
