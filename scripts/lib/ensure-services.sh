# shellcheck shell=bash
# Makes sure Postgres and Redis answer, starting them if they are installed but stopped.
# Sourced by scripts/start.sh, scripts/test-all.sh and .ci/run; defines functions only.
#
#   koi_ensure_services [postgres_url] [redis_url]
#
# For each service: use it if it answers; else start it if it is installed here
# (pg_ctlcluster / redis-server / `service`); else `docker compose up -d` when a Docker engine
# runs; else print what to install and return 1. Only services on this machine are started:
# a remote URL that does not answer is an error, not something to fix.

KOI_ROOT="${KOI_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

koi_say() { printf '\033[1;36m==>\033[0m %s\n' "$*"; }
koi_warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
koi_err() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; }

# Runs a command as root: directly when we are root, through sudo otherwise (when there is one).
koi_as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else "$@"
  fi
}

# Prints "host port" of a postgres:// or redis:// URL (node is always there: we require it).
koi_url_host_port() {
  node -e '
    const u = new URL(process.argv[1]);
    const port = u.port || (u.protocol.startsWith("redis") ? 6379 : 5432);
    console.log(u.hostname.replace(/^\[|\]$/g, "") + " " + port);
  ' "$1"
}

koi_is_local_host() {
  case "$1" in localhost | 127.0.0.1 | ::1) return 0 ;; *) return 1 ;; esac
}

# True when something accepts connections on host:port (no client tools needed).
koi_port_open() {
  node -e '
    const s = require("node:net").connect({ host: process.argv[1], port: +process.argv[2] });
    s.setTimeout(1500, () => process.exit(1));
    s.on("connect", () => { s.end(); process.exit(0); });
    s.on("error", () => process.exit(1));
  ' "$1" "$2" 2>/dev/null
}

koi_pg_answers() {
  local host=$1 port=$2
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$host" -p "$port" -t 2
  else
    koi_port_open "$host" "$port"
  fi
}

koi_redis_answers() {
  local host=$1 port=$2
  if command -v redis-cli >/dev/null 2>&1; then
    [[ "$(redis-cli -h "$host" -p "$port" ping 2>/dev/null)" == "PONG" ]]
  else
    node -e '
      const s = require("node:net").connect({ host: process.argv[1], port: +process.argv[2] });
      s.setTimeout(1500, () => process.exit(1));
      s.on("connect", () => s.write("PING\r\n"));
      s.on("data", (d) => process.exit(String(d).startsWith("+PONG") ? 0 : 1));
      s.on("error", () => process.exit(1));
    ' "$host" "$port" 2>/dev/null
  fi
}

koi_wait_for() { # koi_wait_for <seconds> <command...>
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

koi_docker_usable() {
  command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1 && docker info >/dev/null 2>&1
}

koi_postgres_installed() {
  command -v pg_ctlcluster >/dev/null 2>&1 && compgen -G "/etc/postgresql/*/main" >/dev/null && return 0
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null
}

# The newest Debian/Ubuntu Postgres cluster version (e.g. 15).
koi_pg_version() {
  find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1
}

koi_start_postgres() {
  if command -v pg_ctlcluster >/dev/null 2>&1 && compgen -G "/etc/postgresql/*/main" >/dev/null; then
    local version
    version=$(koi_pg_version)
    koi_say "starting Postgres $version (pg_ctlcluster)"
    koi_as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  if ! koi_pg_answers "$@" && command -v service >/dev/null 2>&1; then
    koi_say "starting Postgres (service postgresql start)"
    koi_as_root service postgresql start || true
  fi
}

koi_start_redis() {
  local port=$2
  if command -v redis-server >/dev/null 2>&1; then
    koi_say "starting Redis on port $port (redis-server --daemonize yes)"
    # Dev/test instance: nothing is persisted (queues are rebuilt from Postgres by design).
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
      --dir "${TMPDIR:-/tmp}" --logfile "${TMPDIR:-/tmp}/koi-redis.log" >/dev/null ||
      koi_as_root service redis-server start || true
  fi
}

koi_ensure_services() {
  local pg_url=${1:-${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/koi}}
  local redis_url=${2:-${REDIS_URL:-redis://127.0.0.1:6379}}
  local pg_host pg_port redis_host redis_port
  read -r pg_host pg_port < <(koi_url_host_port "$pg_url")
  read -r redis_host redis_port < <(koi_url_host_port "$redis_url")

  local missing=() compose=()
  if koi_pg_answers "$pg_host" "$pg_port"; then
    koi_say "Postgres answers on $pg_host:$pg_port"
  elif ! koi_is_local_host "$pg_host"; then
    koi_err "Postgres at $pg_host:$pg_port does not answer (check DATABASE_URL)"; return 1
  elif koi_postgres_installed; then
    koi_start_postgres "$pg_host" "$pg_port"
  elif koi_docker_usable; then
    compose+=(postgres)
  else
    missing+=(postgresql)
  fi

  if koi_redis_answers "$redis_host" "$redis_port"; then
    koi_say "Redis answers on $redis_host:$redis_port"
  elif ! koi_is_local_host "$redis_host"; then
    koi_err "Redis at $redis_host:$redis_port does not answer (check REDIS_URL)"; return 1
  elif command -v redis-server >/dev/null 2>&1; then
    koi_start_redis "$redis_host" "$redis_port"
  elif koi_docker_usable; then
    compose+=(redis)
  else
    missing+=(redis-server)
  fi

  if ((${#missing[@]})); then
    koi_err "Koi needs Postgres and Redis on this machine. Install them with:"
    printf '\n    sudo apt-get install -y %s\n\n' "${missing[*]}" >&2
    printf '  (or install Docker and run this again: it will use "docker compose up -d postgres redis")\n' >&2
    return 1
  fi
  if ((${#compose[@]})); then
    koi_say "starting ${compose[*]} with docker compose"
    (cd "$KOI_ROOT" && docker compose up -d "${compose[@]}")
  fi

  if ! koi_wait_for 60 koi_pg_answers "$pg_host" "$pg_port"; then
    koi_err "Postgres on $pg_host:$pg_port did not come up within 60 s"
    return 1
  fi
  if ! koi_wait_for 30 koi_redis_answers "$redis_host" "$redis_port"; then
    koi_err "Redis on $redis_host:$redis_port did not come up within 30 s (log: ${TMPDIR:-/tmp}/koi-redis.log)"
    return 1
  fi
}

# `npm ci` when node_modules is missing or older than the lockfile (or always, with CI=true or
# KOI_NPM_CI=always). Skipping it on a second run keeps start.sh and test-all.sh quick and does not
# pull node_modules from under a running dev server; KOI_NPM_CI=never skips it outright.
koi_npm_install() {
  local mode=${KOI_NPM_CI:-auto}
  [[ "${CI:-}" == "true" && $mode == auto ]] && mode=always
  local stamp="$KOI_ROOT/node_modules/.package-lock.json"
  if [[ $mode == never ]]; then
    koi_say "skipping npm ci (KOI_NPM_CI=never)"
  elif [[ $mode == always || ! -f $stamp || "$KOI_ROOT/package-lock.json" -nt $stamp ]]; then
    koi_say "installing dependencies (npm ci)"
    (cd "$KOI_ROOT" && npm ci --no-audit --no-fund)
    return
  else
    koi_say "dependencies match package-lock.json (KOI_NPM_CI=always to reinstall)"
  fi
  # The generated Prisma client may be older than the schema even when the packages are not.
  (cd "$KOI_ROOT" && npm run --silent db:generate >/dev/null)
}

koi_check_node() {
  if ! command -v node >/dev/null 2>&1; then
    koi_err "Node.js 20.19 or newer is required: https://nodejs.org (or: nvm install 22)"
    return 1
  fi
  local v
  v=$(node -p 'process.versions.node')
  if ! node -e '
    // Prisma 7 (and Vite/Vitest) need ^20.19 || ^22.12 || >=24, as package.json "engines" says.
    const [maj, min] = process.versions.node.split(".").map(Number);
    const ok = (maj === 20 && min >= 19) || (maj === 22 && min >= 12) || maj >= 24;
    process.exit(ok ? 0 : 1);
  '; then
    koi_err "Node.js $v is not supported: Koi needs 20.19+, 22.12+ or 24+ (nvm install 22)"
    return 1
  fi
  command -v npm >/dev/null 2>&1 || { koi_err "npm is missing (it ships with Node.js)"; return 1; }
}
