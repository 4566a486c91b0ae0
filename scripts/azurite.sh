#!/usr/bin/env bash
# Throwaway Azurite (queue service only) for tests and local runs.
#
#   scripts/azurite.sh start DIR [PORT]   install if missing, start, print TRANSIT_TEST_QUEUE=...
#   scripts/azurite.sh stop DIR           stop the instance started in DIR
#
# Only the TRANSIT_TEST_QUEUE line goes to stdout, so `eval "$(scripts/azurite.sh start DIR)"`
# works; everything else goes to stderr. The value is single-quoted because the connection
# string contains semicolons, which eval would otherwise take as command separators. PORT lets a test restart Azurite on the same port to
# simulate a queue outage (storage is in memory, so queues are gone after a restart).
set -euo pipefail

AZURITE_VERSION=3.37.0
# The well-known development account key that Azurite documents; it is not a secret.
DEV_ACCOUNT_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools/azurite"
BIN="$TOOLS/node_modules/.bin/azurite-queue"

log() { echo "azurite.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# shellcheck source=scripts/npm-tool.sh
source "$ROOT/scripts/npm-tool.sh"

usage() { die "usage: $0 start DIR [PORT] | stop DIR"; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

is_running() { [[ -f "$1/azurite.pid" ]] && kill -0 "$(cat "$1/azurite.pid")" 2>/dev/null; }

start() {
  local dir="$1" port="${2:-}"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  is_running "$dir" && die "an Azurite started in $dir is still running (pid $(cat "$dir/azurite.pid")); stop it first"
  install_npm_tool "azurite@$AZURITE_VERSION" "$TOOLS" "$BIN"
  [[ -n "$port" ]] || port="$(free_port)"
  port_answers "$port" && die "port $port on 127.0.0.1 is already in use"

  nohup "$BIN" --queueHost 127.0.0.1 --queuePort "$port" --inMemoryPersistence \
    --skipApiVersionCheck --disableTelemetry --silent \
    >"$dir/azurite.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$dir/azurite.pid"
  echo "$port" >"$dir/azurite.port"

  local deadline=$((SECONDS + 30))
  until port_answers "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$dir/azurite.log" >&2 || true
      die "Azurite exited before it answered on port $port"
    fi
    ((SECONDS < deadline)) || { kill "$pid" 2>/dev/null || true; die "Azurite did not answer on port $port within 30 s"; }
    sleep 0.1
  done
  log "Azurite queue service on 127.0.0.1:$port (pid $pid)"
  echo "TRANSIT_TEST_QUEUE='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$DEV_ACCOUNT_KEY;QueueEndpoint=http://127.0.0.1:$port/devstoreaccount1;'"
}

stop() {
  local dir="$1" pid
  [[ -f "$dir/azurite.pid" ]] || { log "nothing to stop in $dir"; return 0; }
  pid="$(cat "$dir/azurite.pid")"
  if kill "$pid" 2>/dev/null; then
    # Wait for the port to be released, so a restart on the same port can follow at once.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped Azurite (pid $pid)"
  else
    log "Azurite (pid $pid) was not running"
  fi
  rm -f "$dir/azurite.pid"
}

case "${1:-}" in
  start) [[ $# -ge 2 && $# -le 3 ]] || usage; start "$2" "${3:-}" ;;
  stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
  *) usage ;;
esac
