#!/usr/bin/env bash
# Makes the fixture of the migration test: a database filled by a previous release, and what that release answered.
#
#   tests/TransitGrains.Persistence.Tests/PreviousRelease/make-fixture.sh [COMMIT]
#
# Builds the silo and the port simulator of COMMIT (default: the release before the event journal) in a temporary
# worktree, runs them on a throwaway PostgreSQL, replays both recorded scenarios and a small simulated day, books and
# cancels a shipment, reports events for a container no shipment names yet, adds a webhook subscription, and then
# writes beside this script:
#   tables.sql.gz  the rows of the grain-state and event-id tables (pg_dump --data-only), schema version 6;
#   views.json.gz  every shipment, every conveyance of the scenarios and the subscriptions as that release answered them.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
COMMIT="${1:-a3f91d5}"
log() { echo "make-fixture: $*" >&2; }
die() { log "$*"; exit 1; }

WORK="$(mktemp -d)"
chmod 755 "$WORK"
SILO_PID=""
cleanup() {
  [[ -n "$SILO_PID" ]] && kill "$SILO_PID" 2>/dev/null && wait "$SILO_PID" 2>/dev/null || true
  bash "$ROOT/scripts/postgres.sh" stop "$WORK/postgres" >/dev/null 2>&1 || true
  git -C "$ROOT" worktree remove --force "$WORK/release" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

git -C "$ROOT" worktree add --detach "$WORK/release" "$COMMIT" >&2
dotnet build "$WORK/release/silo/TransitGrains.Silo" -c Release -v q >&2
dotnet build "$WORK/release/client-samples/TransitGrains.PortSimulator" -c Release -v q >&2

line="$(bash "$ROOT/scripts/postgres.sh" start "$WORK/postgres")"
PG="${line#TRANSIT_TEST_PG=}"; PG="${PG#\'}"; PG="${PG%\'}"
CONN="$PG"

SILO="$WORK/release/silo/TransitGrains.Silo/bin/Release/net10.0/TransitGrains.Silo.dll"
PORT=$((20000 + RANDOM % 20000))
B="http://127.0.0.1:$PORT"
export ConnectionStrings__Transit="$CONN"
(cd "$(dirname "$SILO")" && dotnet "$SILO" migrate) >&2
(cd "$(dirname "$SILO")" && exec dotnet "$SILO" --urls="$B" --environment=Development \
  --Transit:Cluster:SiloPort=$((PORT + 1)) --Transit:Cluster:GatewayPort=$((PORT + 2))) >"$WORK/silo.log" 2>&1 &
SILO_PID=$!
for _ in $(seq 120); do curl -sf "$B/health/ready" >/dev/null && break; sleep 1; done
curl -sf "$B/health/ready" >/dev/null || { cat "$WORK/silo.log" >&2; die "the silo did not become ready"; }

SIM="$WORK/release/client-samples/TransitGrains.PortSimulator/bin/Release/net10.0/transit-port-simulator.dll"
for scenario in suigang903-2020-11-30 suimane-x8426-2021-01-15; do
  dotnet "$SIM" replay "$ROOT/client-samples/scenarios/$scenario" --url "$B" >&2
done
dotnet "$SIM" --url "$B" --scale 0.02 --seed 11 --start 2026-10-20 >&2

ADMIN='X-Api-Key: dev-admin-key'; FWD='X-Api-Key: dev-forwarder-key'; JSON='Content-Type: application/json'
# A shipment booked and cancelled; events for a container no shipment names yet (kept for the next booking).
curl -sf -o /dev/null -X POST "$B/api/v1/shipments" -H "$FWD" -H "$JSON" -d '{
  "shipmentId": "FIXTURE-CANCELLED", "containers": ["APZU4812090"], "tradeMode": "GENERAL",
  "legs": [ { "mode": "TRUCK", "conveyanceId": "YUE-A12345", "from": "CNNSA", "to": "CNSHK" } ] }'
curl -sf -o /dev/null -X DELETE "$B/api/v1/shipments/FIXTURE-CANCELLED" -H "$FWD"
curl -sf -o /dev/null -X POST "$B/api/v1/events" -H "$ADMIN" -H "$JSON" -d '{ "events": [
  { "eventId": "FIXTURE-KEPT-1", "eventType": "EQUIPMENT", "eventCode": "GTIN", "eventDateTime": "2026-10-21T08:00:00+08:00",
    "location": "CNNSA", "facility": "NSA2", "containerNumber": "ZEPU0037255" },
  { "eventId": "FIXTURE-KEPT-2", "eventType": "CUSTOMS", "eventCode": "CUSR", "eventDateTime": "2026-10-21T09:00:00+08:00",
    "location": "CNNSA", "containerNumber": "ZEPU0037255" } ] }'
curl -sf -o /dev/null -X POST "$B/api/v1/subscriptions" -H "$FWD" -H "$JSON" \
  -d '{ "callbackUrl": "http://127.0.0.1:9/hooks", "eventCodes": ["DEPA"], "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }'

python3 - "$B" "$HERE/views.json" <<'PY'
import json, sys, urllib.error, urllib.request
base, out = sys.argv[1], sys.argv[2]
def get(path, key="dev-admin-key"):
    req = urllib.request.Request(base + path, headers={"X-Api-Key": key})
    try:
        with urllib.request.urlopen(req) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise
ids, cursor = [], None
while True:
    page = get("/api/v1/shipments?limit=200" + (f"&cursor={cursor}" if cursor else ""))
    ids += [s["shipmentId"] for s in page["items"]]
    cursor = page["nextCursor"]
    if not cursor:
        break
shipments = {i: get(f"/api/v1/shipments/{i}") for i in ids}
conveyances = {}
for s in shipments.values():
    for leg in s["legs"]:
        key = f'{leg["mode"].lower()}/{leg["conveyanceId"]}'
        if key not in conveyances:
            conveyances[key] = get(f"/api/v1/conveyances/{key}")
subs = get("/api/v1/subscriptions", "dev-forwarder-key")
listing = get("/api/v1/shipments?limit=200", "dev-forwarder-key")
json.dump({"shipments": shipments, "conveyances": conveyances, "subscriptions": subs, "forwarderListing": [s["shipmentId"] for s in listing["items"]]},
          open(out, "w"), indent=1, sort_keys=True, ensure_ascii=False)
print(f"views: {len(shipments)} shipments, {len(conveyances)} conveyances", file=sys.stderr)
PY

kill "$SILO_PID"; wait "$SILO_PID" 2>/dev/null || true; SILO_PID=""
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
eval "$(python3 -c "import sys;d=dict(p.split('=',1) for p in sys.argv[1].split(';') if p);print(f\"PGHOST={d['Host']} PGPORT={d['Port']} PGUSER={d['Username']} PGDATABASE={d['Database']}\")" "$PG")"
export PGHOST PGPORT PGUSER PGDATABASE
# INSERT statements without psql's meta-commands, so that a test can run the file through Npgsql.
"$PGBIN/pg_dump" --data-only --no-owner --inserts --rows-per-insert=50 --table=transit_grain_state --table=transit_event_ids "$PGDATABASE" \
  | grep -v '^\\' | gzip -9 >"$HERE/tables.sql.gz"
gzip -9 -f "$HERE/views.json"
log "wrote $HERE/tables.sql.gz ($(wc -c <"$HERE/tables.sql.gz") bytes) and views.json.gz"
