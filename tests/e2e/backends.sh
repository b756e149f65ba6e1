#!/bin/bash
# backends.sh -- series, alerts, report and serve read PostgreSQL as they
# read SQLite: examples/ is ingested into both (with the gazetteer when it
# is built, so events have places), then each command's output and the
# API's answers are compared, and the server's cache is seen to notice a
# new ingest on both.  Uses $VIGIL_PG_URL (default postgresql:///vigil_test:
# the local socket, as the current user) and DROPS Vigil's tables there
# first.  Skips when no server answers.
source "$(dirname "$0")/../lib.sh"
URL=${VIGIL_PG_URL:-postgresql:///vigil_test}
if ! command -v psql >/dev/null; then skip backends "psql not installed"; exit 0; fi
if ! command -v curl >/dev/null; then skip backends "curl not installed"; exit 0; fi
if ! psql "$URL" -Atqc "SELECT 1" >/dev/null 2>&1; then
    skip backends "no PostgreSQL server at $URL"
    exit 0
fi
PIDS=()
trap 'for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
export VIGIL_GAZETTEER=$ROOT/build/gazetteer.bin
[ -f "$VIGIL_GAZETTEER" ] || VIGIL_GAZETTEER=/nonexistent
SQ=$TMP/s.db
psql "$URL" -Atqc "DROP TABLE IF EXISTS mentions, events, sentences, articles, meta CASCADE" 2>/dev/null
"$VIGIL" ingest --db "$SQ" "$ROOT/examples" 2>/dev/null
"$VIGIL" ingest --db "$URL" "$ROOT/examples" 2>/dev/null
same() {  # NAME COMMAND...: the command's output is the same on both stores
    local name=$1; shift
    "$VIGIL" "$@" --db "$SQ" >"$TMP/sq" 2>&1
    "$VIGIL" "$@" --db "$URL" >"$TMP/pg" 2>&1
    if [ -s "$TMP/sq" ] && cmp -s "$TMP/sq" "$TMP/pg"; then ok "$name"
    else fail "$name" "$(diff "$TMP/sq" "$TMP/pg" | head -5)"; fi
}
same backends_series series --dyad SRB-KSV --by week
same backends_series_json series --dyad SRB-KSV --by day --from 2023-09-01 --to 2023-10-31 --format json
same backends_alerts alerts
same backends_alerts_dyad alerts --dyad SRB-KSV --format json --h 4
same backends_report report --dyad SRB-KSV --top 5
same backends_report_month report --dyad KSV-SRB --by month

# the server on each store: a free port each, the same answers
serve() {  # DB -> $BASE
    "$VIGIL" serve --db "$1" --port 0 --cache-ttl 60 --assets "$TMP" 2>"$TMP/serve.log" &
    PIDS+=($!)
    local port= i
    for i in $(seq 1 150); do
        port=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\)/.*|\1|p' "$TMP/serve.log")
        [ -n "$port" ] && break
        sleep 0.1
    done
    BASE=http://127.0.0.1:$port
}
serve "$SQ"; BSQ=$BASE
serve "$URL"; BPG=$BASE
[ -n "${BSQ#http://127.0.0.1:}" ] && [ -n "${BPG#http://127.0.0.1:}" ] && ok backends_serve_starts ||
    fail backends_serve_starts "$(cat "$TMP/serve.log")"
bad=
for u in /api/meta "/api/events?limit=500" "/api/events?dyad=SRB-KSV&limit=5" \
         "/api/events?actor=KSV&quad=4" "/api/events?root=19" "/api/events?country=KSV" \
         "/api/events?place=banjska" "/api/events?ids=1,2,3" /api/events/5 /api/places \
         "/api/places?dyad=SRB-KSV" /api/dyads /api/alerts "/api/series?dyad=SRB-KSV&by=week"; do
    a=$(curl -s "$BSQ$u"); b=$(curl -s "$BPG$u")
    [ -n "$a" ] && [ "$a" = "$b" ] || bad="$bad $u"
done
[ -z "$bad" ] && ok backends_api_same || fail backends_api_same "differ:$bad"
# a cursor walk on PostgreSQL ends where SQLite's does
walk() {
    local u="/api/events?dyad=SRB-KSV&limit=7" n=0 next
    while [ $n -lt 20 ]; do
        next=$(curl -s "$1$u" | sed -n 's/.*"next":"\([^"]*\)".*/\1/p')
        n=$((n + 1))
        [ -n "$next" ] || break
        u="/api/events?dyad=SRB-KSV&limit=7&cursor=$next"
    done
    echo "$n $u"
}
[ "$(walk "$BSQ")" = "$(walk "$BPG")" ] && ok backends_api_pages || fail backends_api_pages

# the cache notices another process's ingest (the store's data version)
cat >"$TMP/more.jsonl" <<'EOF'
{"id": "late-1", "date": "2023-12-20", "source": "Example Wire", "text": "Serbia accused Kosovo of provoking violence in the north."}
EOF
for db in "$SQ" "$URL"; do
    base=$BSQ
    [ "$db" = "$URL" ] && base=$BPG
    before=$(curl -s "$base/api/meta" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
    "$VIGIL" ingest --db "$db" "$TMP/more.jsonl" 2>/dev/null
    after=$(curl -s "$base/api/meta" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
    name=backends_cache_sqlite
    [ "$db" = "$URL" ] && name=backends_cache_postgresql
    if [ -n "$before" ] && [ "${after:-0}" -gt "$before" ]; then ok "$name"
    else fail "$name" "events $before then $after"; fi
done
