#!/bin/bash
# pg_partitions.sh -- the partitioned PostgreSQL layout of docs/scaling.md,
# for real: two stores in scratch schemas of $VIGIL_PG_URL's database (default
# postgresql:///vigil_test), one plain, one converted to monthly partitions
# of events and mentions by docs/scaling-partitions.sql (the file the doc
# shows) after its first ingest.  Both then take the same further ingests
# (new articles, changed ones that are replaced, events rebuilt and moved
# between months), and series, alerts, report and every export must be the
# same on both.  Skips when no server answers.
set -u
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
URL=${VIGIL_PG_URL:-postgresql:///vigil_test}
SQL=docs/scaling-partitions.sql
if ! command -v psql >/dev/null; then echo "ok pg_partitions # SKIP psql not installed"; exit 0; fi
if ! psql "$URL" -Atqc "SELECT 1" >/dev/null 2>&1; then
    echo "ok pg_partitions # SKIP no PostgreSQL server at $URL"
    exit 0
fi
T=$(mktemp -d)
PLAIN=vigil_plain_$$ PART=vigil_part_$$
cleanup() {
    [ -n "${PGP_KEEP:-}" ] && cp "$T"/* "$PGP_KEEP"/ 2>/dev/null
    psql "$URL" -qc "DROP SCHEMA IF EXISTS $PLAIN CASCADE; DROP SCHEMA IF EXISTS $PART CASCADE" \
        >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
export VIGIL_GAZETTEER=/nonexistent
is() {
    if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1"; echo "# got '$2', want '$3'"; fi
}
# a URL whose connections use SCHEMA (libpq's options parameter)
in_schema() {
    case "$URL" in *\?*) echo "$URL&options=-csearch_path%3D$1" ;; *) echo "$URL?options=-csearch_path%3D$1" ;; esac
}
P_URL=$(in_schema "$PLAIN") Q_URL=$(in_schema "$PART")
psql "$URL" -qc "CREATE SCHEMA $PLAIN; CREATE SCHEMA $PART" >/dev/null ||
    { echo "not ok pg_partitions_schemas"; exit 0; }
ingest() {  # URL FILE...
    local u=$1; shift
    "$VIGIL" ingest --db "$u" --batch 7 "$@" 2>>"$T/ingest.log"
}

# the first ingest, then the conversion of the partitioned one
ingest "$P_URL" examples/border-crisis-2023.jsonl
ingest "$Q_URL" examples/border-crisis-2023.jsonl
if PGOPTIONS="-c search_path=$PART" psql "$URL" -q -v ON_ERROR_STOP=1 -f "$SQL" >"$T/sql.log" 2>&1; then
    echo "ok pg_partitions_convert"
else
    echo "not ok pg_partitions_convert"; sed 's/^/# /' "$T/sql.log" | head -20
    exit 0
fi
pq() { psql "$Q_URL" -Atqc "$1"; }
is pg_partitions_partitioned "$(pq "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
    WHERE relkind = 'p' AND relnamespace = '$PART'::regnamespace")" "events,mentions"
is pg_partitions_months "$(pq "SELECT count(*) > 12 FROM pg_inherits
    WHERE inhparent = '$PART.events'::regclass")" t
is pg_partitions_rows_moved "$(pq "SELECT (SELECT count(*) FROM events) || '/' ||
    (SELECT count(*) FROM ONLY events_default) || '/' || (SELECT count(*) FROM mentions)")" \
    "$(psql "$P_URL" -Atqc "SELECT (SELECT count(*) FROM events) || '/0/' ||
    (SELECT count(*) FROM mentions)")"
# the indexes are Vigil's, on the parents (same names as the plain store's)
is pg_partitions_indexes "$(pq "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes
    WHERE schemaname = '$PART' AND tablename IN ('events', 'mentions') AND indexname NOT LIKE '%pkey'")" \
    "$(psql "$P_URL" -Atqc "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes
    WHERE schemaname = '$PLAIN' AND tablename IN ('events', 'mentions') AND indexname NOT LIKE '%pkey'")"

# further ingests on both: new articles, then two changed articles (replaced:
# their mentions deleted, their events rebuilt or removed)
for u in "$P_URL" "$Q_URL"; do
    ingest "$u" examples/border-crisis-2023-wires.jsonl
    sed -e '1,2s/"text": "/"text": "Serbia condemned Kosovo on Monday. /' \
        -e '3s/"date": "2023-02-28"/"date": "2023-03-02"/' examples/border-crisis-2023.jsonl \
        >"$T/changed.jsonl"
    ingest "$u" -v "$T/changed.jsonl"
done
is pg_partitions_replaced "$(grep -c ' 3 replaced' "$T/ingest.log")" 2
is pg_partitions_pruned "$(pq "EXPLAIN SELECT count(*) FROM events
    WHERE date BETWEEN '2023-09-01' AND '2023-09-30'" | grep -o 'on events_[0-9_a-z]*' | sort -u | tr '\n' ' ')" \
    "on events_2023_09 "

# the same answers from both layouts
out() {  # URL PREFIX
    for f in phoenix icews csv; do "$VIGIL" export --db "$1" --format "$f" >"$2.$f" 2>&1; done
    "$VIGIL" export --db "$1" --format gdelt 2>&1 | cut -f1-59,61 >"$2.gdelt"
    "$VIGIL" export --db "$1" --format plover 2>&1 | sed 's/"coded_date":"[^"]*",//' >"$2.plover"
    "$VIGIL" export --db "$1" --format csv --one-a-day >"$2.oad" 2>&1
    "$VIGIL" series --db "$1" --dyad SRB-KSV --by week --format json >"$2.series" 2>&1
    "$VIGIL" series --db "$1" --dyad KSV-SRB --by day >"$2.series_day" 2>&1
    "$VIGIL" alerts --db "$1" --format json --min-history 5 --min-events 1 >"$2.alerts" 2>&1
    "$VIGIL" report --db "$1" --dyad SRB-KSV >"$2.report" 2>&1
}
out "$P_URL" "$T/plain"
out "$Q_URL" "$T/part"
for f in phoenix icews csv gdelt plover oad series series_day alerts report; do
    if [ -s "$T/plain.$f" ] && cmp -s "$T/plain.$f" "$T/part.$f"; then
        echo "ok pg_partitions_same_$f"
    else
        echo "not ok pg_partitions_same_$f"
        diff "$T/plain.$f" "$T/part.$f" | head -5 | sed 's/^/# /'
    fi
done
is pg_partitions_events "$(pq "SELECT count(*) > 0 FROM events")" t
