#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and local runs.
#
#   scripts/postgres.sh start DIR   install if missing, initdb in DIR (once), start, print TRANSIT_TEST_PG=...
#   scripts/postgres.sh stop DIR    stop the cluster started in DIR (quietly does nothing if none runs)
#   scripts/postgres.sh kill DIR    stop it at once, as a crash would (pg_ctl -m immediate: clients cut off, no checkpoint)
#
# Starting a DIR that was stopped starts the same cluster again, with its data, on the same port
# when that is still free.
#
# Only the TRANSIT_TEST_PG line goes to stdout, so `eval "$(scripts/postgres.sh start DIR)"` works;
# everything else goes to stderr. The value is single-quoted because the connection string contains
# semicolons, which eval would otherwise take as command separators.
#
# The cluster never depends on a PostgreSQL already running on the machine: it has its own data
# directory, its own free port on 127.0.0.1 and its socket in DIR. initdb refuses to run as root,
# so as root the cluster belongs to the `postgres` system user.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }
usage() { die "usage: $0 start DIR | stop DIR | kill DIR"; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Runs a PostgreSQL binary as the cluster's owner.
as_owner() {
  if is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

find_pgbin() {
  local newest=""
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" ]] || continue
    if [[ -z "$newest" ]] || [[ "$(basename "$(dirname "$dir")")" -gt "$(basename "$(dirname "$newest")")" ]]; then
      newest="$dir"
    fi
  done
  echo "$newest"
}

install_if_missing() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && return 0
  is_root || die "PostgreSQL is not installed and installing it needs root: apt-get install postgresql"
  log "installing PostgreSQL with apt-get (once per machine)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2 </dev/null
  apt-get install -y --no-install-recommends postgresql >&2 </dev/null
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || die "initdb not found after installing postgresql"
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A random unused port; the caller retries if another process takes it before PostgreSQL binds it.
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 40000))
    port_answers "$port" || { echo "$port"; return 0; }
  done
  die "found no free TCP port on 127.0.0.1"
}

start() {
  local dir="$1"
  install_if_missing
  local pgbin
  pgbin="$(find_pgbin)"
  [[ -n "$pgbin" ]] || die "no PostgreSQL binaries under /usr/lib/postgresql"

  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [[ -f "$dir/data/postmaster.pid" ]] && kill -0 "$(head -n 1 "$dir/data/postmaster.pid")" 2>/dev/null; then
    die "the cluster in $dir/data is running; stop it first"
  fi
  if is_root; then
    chown postgres:postgres "$dir"
    runuser -u postgres -- test -w "$dir" ||
      die "user postgres cannot write to $dir: every parent folder must be searchable by it (chmod o+x)"
  fi

  if [[ -f "$dir/data/PG_VERSION" ]]; then
    # Started before and stopped since: start the same cluster again, on its old port if free,
    # so a test can take the database away and bring it back with its data.
    log "starting the existing cluster in $dir/data again"
  else
    # --no-sync: a throwaway cluster needs no crash safety during initdb, and it saves a second.
    as_owner "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi

  local port="" started=""
  if [[ -f "$dir/port" ]] && ! port_answers "$(cat "$dir/port")"; then
    port="$(cat "$dir/port")"
  fi
  for _ in 1 2 3 4 5; do
    [[ -n "$port" ]] || port="$(free_port)"
    # max_connections 200 leaves room for several silos and test hosts, each with a capped pool.
    if as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >&2; then
      started=1
      break
    fi
    log "PostgreSQL did not start on port $port, trying another one"
    port=""
  done
  [[ -n "$started" ]] || { cat "$dir/server.log" >&2 || true; die "PostgreSQL did not start"; }
  echo "$port" >"$dir/port"

  if [[ -z "$("$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'transit'")" ]]; then
    "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres transit >&2
  fi
  log "PostgreSQL $(basename "$(dirname "$pgbin")") on 127.0.0.1:$port, data in $dir/data"
  echo "TRANSIT_TEST_PG='Host=127.0.0.1;Port=$port;Username=postgres;Database=transit'"
}

stop() {
  local dir="$1"
  local pidfile="$dir/data/postmaster.pid"
  [[ -f "$pidfile" ]] || { log "no cluster running in $dir"; return 0; }
  local pid
  pid="$(head -n 1 "$pidfile")"
  local pgbin
  pgbin="$(find_pgbin)"
  if [[ -n "$pgbin" ]] && as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >&2; then
    return 0
  fi
  # pg_ctl could not do it (binaries gone, or a stale pid file): fall back to the postmaster's pid.
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    log "stopped postmaster $pid"
  else
    log "cluster in $dir was not running"
  fi
}

# An outage as a test wants it: every backend ends at once and the clients' connections break; `start DIR` then
# brings the same cluster back on its port, after the crash recovery PostgreSQL runs on its own.
kill_now() {
  local dir="$1"
  [[ -f "$dir/data/postmaster.pid" ]] || die "no cluster running in $dir"
  local pgbin
  pgbin="$(find_pgbin)"
  as_owner "$pgbin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >&2
}

case "${1:-}" in
  start) [[ $# -eq 2 ]] || usage; start "$2" ;;
  stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
  kill) [[ $# -eq 2 ]] || usage; kill_now "$2" ;;
  *) usage ;;
esac
