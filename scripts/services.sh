# Sourced by scripts/test.sh and scripts/benchmark.sh (not run on its own): starts a throwaway PostgreSQL and
# Azurite under a temporary folder, stops both and removes the folder when the calling script exits.
# Needs the caller's `die`. Sets WORK, TRANSIT_TEST_PG and TRANSIT_TEST_QUEUE (exported).

WORK="$(mktemp -d)"
# The PostgreSQL cluster runs as user postgres when we are root: it must be able to reach its folder.
chmod 755 "$WORK"

cleanup() {
  bash scripts/azurite.sh stop "$WORK/azurite" >/dev/null 2>&1 || true
  bash scripts/postgres.sh stop "$WORK/postgres" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# "NAME=value" or "NAME='value'" as the start scripts print it -> value.
value_of() {
  local line="$1" name="$2"
  [[ "$line" == "$name="* ]] || die "expected a line starting with $name=, got: $line"
  line="${line#"$name="}"
  line="${line#\'}"
  echo "${line%\'}"
}

TRANSIT_TEST_PG="$(value_of "$(bash scripts/postgres.sh start "$WORK/postgres")" TRANSIT_TEST_PG)"
TRANSIT_TEST_QUEUE="$(value_of "$(bash scripts/azurite.sh start "$WORK/azurite")" TRANSIT_TEST_QUEUE)"
export TRANSIT_TEST_PG TRANSIT_TEST_QUEUE
