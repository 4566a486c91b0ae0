#!/usr/bin/env bash
# The benchmark, one command (about 12 minutes on 2 cores):
#
#   scripts/benchmark.sh [--scale 0.5] [--days 6] [--seconds 90] [--concurrency 8] [--batch-size 200]
#                        [--steady-rate 2500] [--steady-seconds 25] [--steady-batch-size 100] [--silos 2]
#                        [--trains 40] [--barges 40] [--memory-shipments 1000] [--listing-shipments 100000]
#                        [--equipment-shipments 6000] [--skip-listing] [--skip-micro]
#
#   --scale, --days       the flat-out load: DAYS realistic days of the port simulator at SCALE (0.5: ~1,500
#                         shipments and ~22,400 events a day), sent in batches of --batch-size, --concurrency in
#                         flight, for at most --seconds (also the bookings' clients)
#   --steady-*            the steady phase: more such days on fresh shipments, at a fixed rate in batches, while
#                         readers GET shipments
#   --silos               the scale-out phase: the flat-out load again against a cluster of that many silos (1: none)
#   --trains, --barges    samples of the fan-out (alone, then with 10 webhook subscriptions) and refund-trigger
#                         latencies; --memory-shipments: of the memory figures
#   --equipment-shipments shipments of the plain equipment load (3 containers, 6 moves each; batches of 100, set
#                         against pgbench's single-row rate)
#   --listing-shipments   shipments stored for the listing phase (at least 2,000; fewer pages are walked with fewer)
#   --skip-listing        leaves out the listing phase
#   --skip-micro          leaves out the BenchmarkDotNet micro-benchmarks
#   --only-edifact        runs only the terminals' EDI phase (POST /api/v1/edifact, 200 EQD groups an interchange) on a
#                         database of its own; takes --scale, --seconds and --concurrency
#
# A quick check: --scale 0.1 --days 1 --steady-seconds 5 --seconds 30 --trains 5 --barges 5 --memory-shipments 200
#                --listing-shipments 20000 --equipment-shipments 1000 --skip-micro
#
# Starts its own throwaway PostgreSQL and Azurite, builds the silo, the plain reference and the benchmark in
# Release, migrates, runs the micro-benchmarks (short job), then tests/TransitGrains.Benchmarks: TransitGrains'
# durable profile as silo processes driven over HTTP on loopback with the port simulator's realistic days (bookings,
# flat-out and steady ingest, fan-out alone and with webhook subscriptions, webhook delivery latency, refund triggers,
# memory, per-event costs, 1 silo and a cluster), the plain ASP.NET Core + Npgsql ingest with the same batches, pgbench
# on the same PostgreSQL, and the shipment listing with 100,000 shipments stored (a page of 50: the query alone and
# GET /api/v1/shipments). Prints every figure, each target beside its figure and a final table of the targets; see
# docs/benchmarks.md for what they mean. A phase that fails is reported and the run goes on; the exit status is then
# non-zero.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { echo "benchmark.sh: $*" >&2; }
die() { log "$*"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

micro=1
listing=1
edifact_only=0
args=()
for arg in "$@"; do
  case "$arg" in
    --skip-micro) micro=0 ;;
    --skip-listing) listing=0 ;;
    --only-edifact) edifact_only=1 ;;
    *) args+=("$arg") ;;
  esac
done
# Last, so that it wins over a --listing-shipments given too.
((listing || edifact_only)) || args+=(--listing-shipments 0)

# shellcheck source=scripts/services.sh
source scripts/services.sh
PG="$TRANSIT_TEST_PG"
QUEUE="$TRANSIT_TEST_QUEUE"
PGBIN="$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/pgbench' | sort -V | tail -n 1)")"
[[ -x "$PGBIN/pgbench" ]] || die "pgbench not found under /usr/lib/postgresql/*/bin"

# One project at a time: on 2 cores parallel builds of the three only thrash.
for project in silo/TransitGrains.Silo tests/TransitGrains.Benchmarks.PlainIngest tests/TransitGrains.Benchmarks; do
  dotnet build "$project" -c Release -nologo -v quiet </dev/null >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "building $project failed"; }
done

BENCH=tests/TransitGrains.Benchmarks/bin/Release/net10.0/TransitGrains.Benchmarks.dll

# Each step runs in the background and is waited for, so that an interrupt reaches it first: the benchmark then
# stops the silos it started, and only after that do PostgreSQL and Azurite stop (services.sh, on exit).
child=""
trap 'if [[ -n "$child" ]]; then kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null || true; fi; exit 130' INT TERM
step() {
  "$@" </dev/null &
  child=$!
  local status=0
  wait "$child" || status=$?
  child=""
  return "$status"
}

failed=()
log "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $("$PGBIN/postgres" --version)"
if ((edifact_only)); then
  step dotnet "$BENCH" --edifact --silo silo/TransitGrains.Silo/bin/Release/net10.0/TransitGrains.Silo.dll \
    --postgres "$PG" --queue "$QUEUE" "${args[@]}" || die "the EDIFACT phase failed"
  exit 0
fi

if ((micro)); then
  # First, on idle cores. BenchmarkDotNet writes its artifacts to the working folder: keep them out of the tree.
  if step env -C "$WORK" dotnet "$ROOT/$BENCH" --micro --filter '*' >"$WORK/micro.log" 2>&1; then
    sed -n '/^| /p;/^BenchmarkDotNet v/p;/^AMD\|^Intel\|^Unknown processor/p' "$WORK/micro.log"
  else
    tail -n 40 "$WORK/micro.log" >&2
    failed+=("micro-benchmarks")
  fi
fi

step dotnet "$BENCH" \
  --silo silo/TransitGrains.Silo/bin/Release/net10.0/TransitGrains.Silo.dll \
  --plain tests/TransitGrains.Benchmarks.PlainIngest/bin/Release/net10.0/TransitGrains.Benchmarks.PlainIngest.dll \
  --postgres "$PG" --queue "$QUEUE" --pgbin "$PGBIN" "${args[@]}" || failed+=("end to end (see FAILED above)")

((${#failed[@]} == 0)) || die "failed: ${failed[*]}"
