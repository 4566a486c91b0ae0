#!/usr/bin/env bash
# The benchmark of issue 6, one command (about 5-8 minutes on 2 cores):
#
#   scripts/benchmark.sh [--scale 0.5] [--seconds 90] [--concurrency 8] [--batch-size 200] [--skip-micro] [--skip-listing]
#
# Starts its own throwaway PostgreSQL and Azurite, builds the silo, the plain reference and the benchmark in
# Release, migrates, then runs tests/TransitGrains.Benchmarks: TransitGrains' durable profile as a silo process
# driven over HTTP on loopback with the port simulator's realistic day, the plain ASP.NET Core + Npgsql ingest
# with the same batches, pgbench on the same PostgreSQL, the shipment listing with 100,000 shipments stored (a page of
# 50: the query alone and GET /api/v1/shipments), and the BenchmarkDotNet micro-benchmarks (short job).
# Prints every figure beside its target; see docs/benchmarks.md for what they mean.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { echo "benchmark.sh: $*" >&2; }
die() { log "$*"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

micro=1
listing=1
args=()
for arg in "$@"; do
  case "$arg" in
    --skip-micro) micro=0 ;;
    --skip-listing) listing=0 ;;
    *) args+=("$arg") ;;
  esac
done

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
log "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $("$PGBIN/postgres" --version)"
dotnet "$BENCH" \
  --silo silo/TransitGrains.Silo/bin/Release/net10.0/TransitGrains.Silo.dll \
  --plain tests/TransitGrains.Benchmarks.PlainIngest/bin/Release/net10.0/TransitGrains.Benchmarks.PlainIngest.dll \
  --postgres "$PG" --queue "$QUEUE" --pgbin "$PGBIN" "${args[@]}" </dev/null

if ((listing)); then
  # Its own database on the same PostgreSQL, its own silo process: after the end-to-end run, never beside it.
  dotnet "$BENCH" --listing --silo silo/TransitGrains.Silo/bin/Release/net10.0/TransitGrains.Silo.dll --postgres "$PG" </dev/null
fi

if ((micro)); then
  # BenchmarkDotNet writes its artifacts to the working folder: keep them out of the tree.
  (cd "$WORK" && dotnet "$ROOT/$BENCH" --micro --filter '*' </dev/null) | sed -n '/^| /p;/^BenchmarkDotNet v/p;/^AMD\|^Intel\|^Unknown processor/p'
fi
