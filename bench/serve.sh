#!/bin/bash
# serve.sh -- load test of `vigil serve` on a 1,000,000-event store: wrk
# (16 connections, 2 threads, loopback, 10 s per URL, --latency) against
# /api/series and /api/events; prints p50/p99 and requests/s, with the
# response cache (repeated URLs: the dashboard's case) and, for the event
# pages, without it (every request runs its SQL).  Target: p99 <= 50 ms.
# The store is generated once into build/bench/ (about 40 s, 800 MB) by
# tests/fixtures/make_fixture_db.sh.
#   bench/serve.sh                 N=1000000 DURATION=10s CONNECTIONS=16
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
N=${N:-1000000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
DB=${DB:-$ROOT/build/bench/events-$N.db}
command -v wrk > /dev/null || { echo "bench/serve.sh: wrk missing (apt-get install wrk)" >&2; exit 1; }
[ -x "$VIGIL" ] || { echo "bench/serve.sh: $VIGIL missing (make)" >&2; exit 1; }
if [ ! -f "$DB" ]; then
    mkdir -p "$(dirname "$DB")"
    echo "generating $DB ($N events)..." >&2
    "$ROOT/tests/fixtures/make_fixture_db.sh" "$DB" bench "$N"
fi
TMPD=$(mktemp -d)
. "$ROOT/tests/fixtures/serve_lib.sh"
trap 'stop_server > /dev/null 2>&1; rm -rf "$TMPD"' EXIT

urls=(
    "/api/series?dyad=SRB-KSV&by=week"
    "/api/series?dyad=SRB-KSV&by=day&from=2023-01-01&to=2023-12-31"
    "/api/events?dyad=SRB-KSV&limit=50"
    "/api/events?limit=50"
    "/api/events?dyad=SRB-KSV&from=2023-09-01&to=2023-10-31&limit=50"
    "/api/events?dyad=SRB-KSV&root=19&from=2022-01-01&limit=100"
)

run() {  # run URL...: one cold request, then wrk
    local u first p50 p99 rps errs
    for u in "$@"; do
        first=$(curl -s -o /dev/null -w '%{time_total}' "$BASE$u")
        wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$u" > "$TMPD/wrk.out" 2>&1
        p50=$(awk '$1 == "50%" { print $2 }' "$TMPD/wrk.out")
        p99=$(awk '$1 == "99%" { print $2 }' "$TMPD/wrk.out")
        rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$TMPD/wrk.out")
        errs=$(grep -E 'Non-2xx|Socket errors' "$TMPD/wrk.out" || true)
        printf '%-62s %8.1fms %9s %9s %9s\n' "$u" "$(awk -v t="$first" 'BEGIN { print t * 1000 }')" "$p50" "$p99" "$rps"
        [ -z "$errs" ] || echo "  $errs"
    done
}

printf '%s events, %s connections, %s per URL, vigil serve --threads 2; load before: %s\n' \
    "$N" "$CONNECTIONS" "$DURATION" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-62s %9s %9s %9s %9s\n' URL first p50 p99 req/s
start_server --threads 2 || { cat "$TMPD/serve.log" >&2; exit 1; }
run "${urls[@]}"
stop_server
echo "without the response cache (--cache-ttl 0):"
start_server --threads 2 --cache-ttl 0 || { cat "$TMPD/serve.log" >&2; exit 1; }
run "${urls[@]:2}"
