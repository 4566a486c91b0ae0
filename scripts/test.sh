#!/usr/bin/env bash
# The project's single test command.
#
#   scripts/test.sh [extra arguments for dotnet test, e.g. --filter FullyQualifiedName~Persistence]
#
# Starts a throwaway PostgreSQL and Azurite, exports TRANSIT_TEST_PG and TRANSIT_TEST_QUEUE for the
# tests, installs the tools the tests run (scripts/tools.sh, scripts/chromium.sh), builds the solution in Release, runs each
# test project of the solution, stops both services and prints the totals as one line, "N passed,
# N failed" (", N skipped" when any were skipped).
# Fails when the build fails, a test fails or is skipped (tests that need a service must fail
# without it, never skip), or a test project ran no test (with extra arguments, such as a filter,
# only when no test ran at all).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { echo "test.sh: $*" >&2; }
die() { log "$*"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# shellcheck source=scripts/services.sh
source scripts/services.sh

# Redocly and Kiota, which the API tests run against the served OpenAPI document.
bash scripts/tools.sh
# Debian's chromium, which the forwarder page's browser tests drive.
bash scripts/chromium.sh

dotnet build TransitGrains.sln -c Release </dev/null

# One `dotnet test` per test project, each with its own results folder: run over the solution,
# all projects would write the same results.trx and only the last one's counts would survive.
# Test projects are named *.Tests; the benchmarks (programs run by scripts/benchmark.sh) and the clock hook the
# integration tests load into silo processes live under tests/ too, but are not tests.
mapfile -t projects < <(dotnet sln TransitGrains.sln list | tr '\134' / | grep -E '^tests/.*\.Tests\.csproj$')
((${#projects[@]} > 0)) || die "the solution lists no project under tests/"

RESULTS="$WORK/results"
test_status=0
for project in "${projects[@]}"; do
  dotnet test "$project" -c Release --no-build \
    --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
    --results-directory "$RESULTS/$(basename "$project" .csproj)" "$@" </dev/null || test_status=$?
done

# Each test project writes one .trx file; its <Counters .../> element holds that project's totals.
counter() {
  local file="$1" name="$2"
  grep -o '<Counters [^>]*>' "$file" | grep -o " $name=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0
}

passed=0 failed=0 skipped=0
idle=() # projects that ran no test: a broken discovery, or a crash before any result was written
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  trx="$RESULTS/$name/results.trx"
  if [[ ! -f "$trx" ]]; then
    idle+=("$name (no results written)")
    continue
  fi
  (($(counter "$trx" total) > 0)) || idle+=("$name")
  passed=$((passed + $(counter "$trx" passed)))
  failed=$((failed + $(counter "$trx" failed) + $(counter "$trx" error) + $(counter "$trx" timeout) + $(counter "$trx" aborted)))
  # xunit's skipped tests count in total but not in executed (notExecuted stays 0).
  skipped=$((skipped + $(counter "$trx" total) - $(counter "$trx" executed)))
done

summary="$passed passed, $failed failed"
((skipped == 0)) || summary="$summary, $skipped skipped"
echo "$summary"

((test_status == 0)) || die "dotnet test failed (exit $test_status)"
((failed == 0)) || die "$failed test(s) failed"
((skipped == 0)) || die "$skipped test(s) were skipped: a test that cannot run must fail, not skip"
((passed > 0)) || die "no test ran"
if ((${#idle[@]} > 0)); then
  # Extra arguments (a filter) may leave a project nothing to run; without them every project must run tests.
  (($# > 0)) || die "test project(s) that ran no test: ${idle[*]}"
  log "ran no test with these arguments: ${idle[*]}"
fi
