#!/bin/bash
# queryplan.sh -- every statement the readers send to SQLite (the watch
# commands series, alerts and report, and each endpoint of `vigil serve`),
# and the ingest's own lookups, is collected with VIGIL_TRACE_SQL
# (docs/store.md, "Query plans") and run under EXPLAIN QUERY PLAN on a store
# that `vigil ingest` created.  A plan that scans one of the big tables
# (events, mentions, sentences, articles) row by row, or through an index
# that does not narrow it, where an index could serve fails the test; the
# few statements that must read a whole table (an aggregate over every
# event) are listed below with the reason.  Then the indexes no collected
# plan uses are reported (they cost space and ingest time for nothing).
# Needs curl and python3's sqlite3 (SKIPs without them).
. "$(dirname "$0")/../lib.sh"
TMPD=$TMP
. "$ROOT/tests/fixtures/serve_lib.sh"
for t in curl python3; do
    command -v $t > /dev/null || { skip queryplan "no $t"; exit 0; }
done
python3 -c 'import sqlite3' 2>/dev/null || { skip queryplan "no sqlite3 module in python3"; exit 0; }
trap 'stop_server > /dev/null 2>&1; [ -n "${QP_KEEP:-}" ] && cp "$TMP"/*.sql "$TMP"/examples.db "$QP_KEEP"/; rm -rf "$TMP"' EXIT

# the store whose schema (tables and indexes) vigil creates, with the
# ingest's statements
STORE=$TMP/examples.db
VIGIL_GAZETTEER=/nonexistent VIGIL_TRACE_SQL=$TMP/ingest.sql \
    "$VIGIL" ingest --db "$STORE" "$ROOT"/examples/*.jsonl > /dev/null 2>&1 ||
    { fail queryplan_ingest; exit 0; }
# again with two articles changed: they are replaced (their mentions
# removed, their events recounted), the others found unchanged
sed -e '1,2s/"text": "/"text": "Serbia condemned Kosovo. /' "$ROOT/examples/border-crisis-2023.jsonl" \
    > "$TMP/changed.jsonl"
VIGIL_GAZETTEER=/nonexistent VIGIL_TRACE_SQL=$TMP/ingest.sql \
    "$VIGIL" ingest -v --db "$STORE" "$TMP/changed.jsonl" > "$TMP/re.log" 2>&1
grep -q '2 replaced' "$TMP/re.log" || fail queryplan_replace "$(grep 'articles (' "$TMP/re.log")"
# the readers run on a generated store of 60,000 events (5% SRB-KSV): large
# enough that a rare filter exhausts the budget of the date-index walk and
# the other plan runs too (docs/dashboard.md, "Performance")
DB=$TMP/bench.db
"$ROOT/tests/fixtures/make_fixture_db.sh" "$DB" bench 60000 > "$TMP/gen.log" 2>&1 ||
    { fail queryplan_fixture "$(cat "$TMP/gen.log")"; exit 0; }
export VIGIL_TRACE_SQL=$TMP/read.sql

# ---- the watch commands
run() { "$VIGIL" "$@" --db "$DB" > /dev/null 2>&1 || fail "queryplan_run_$1" "vigil $*"; }
for by in day week month; do run series --dyad SRB-KSV --by "$by"; done
run series --dyad SRB-KSV --by week --from 2023-03-01 --to 2023-10-31
run series --dyad SRBMIL-KSV --by month
run alerts
run alerts --since 2023-09-01
run alerts --dyad SRB-KSV --format json
run report --dyad SRB-KSV
run report --dyad SRB-KSV --from 2023-06-01 --to 2023-12-31 --top 5

# ---- the server's endpoints, one per filter and a few combinations
start_server || { fail queryplan_server_start "$(cat "$TMP/serve.log")"; exit 0; }
urls=(
    /api/meta
    "/api/events" "/api/events?limit=500" "/api/events?format=csv"
    "/api/events?dyad=SRB-KSV" "/api/events?dyad=SRB-KSV&from=2023-09-01&to=2023-10-31"
    "/api/events?dyad=SRB-KSV&root=19&from=2022-01-01&limit=100"
    "/api/events?actor=SRB" "/api/events?actor=KSVPOL&from=2023-01-01"
    "/api/events?code=190" "/api/events?root=14" "/api/events?quad=4"
    "/api/events?country=XKX" "/api/events?place=Mitrovica" "/api/events?from=2023-09-01"
    "/api/events?to=2023-03-01" "/api/events?from=2023-05-01&to=2023-05-31"
    "/api/events?method=model" "/api/events?min_confidence=0.5" "/api/events?ids=1,2,3"
    "/api/events?dyad=SRB-KSV&quad=4" "/api/events?actor=SRB&root=19"
    "/api/events?country=XKX&from=2023-06-01"
    "/api/events?actor=ALBMIL" "/api/events?dyad=ALBMIL-MNEGOV" "/api/events?place=Nowhere"
    "/api/events?quad=4&actor=ALBMIL" "/api/events?dyad=SRB-KSV&from=2020-01-01"
    "/api/places" "/api/places?dyad=SRB-KSV" "/api/places?from=2023-09-01&to=2023-10-31"
    "/api/places?country=XKX"
    "/api/series?dyad=SRB-KSV&by=week" "/api/series?dyad=SRB-KSV&by=day&from=2023-01-01&to=2023-12-31"
    "/api/alerts" "/api/alerts?dyad=SRB-KSV" "/api/alerts?since=2023-09-01"
    "/api/dyads" "/api/dyads?from=2023-09-01&to=2023-10-31"
)
for u in "${urls[@]}"; do
    c=$(curl -s -o "$TMP/body" -w '%{http_code}' --max-time 20 "$BASE$u")
    [ "$c" = 200 ] || fail queryplan_get "$u: HTTP $c"
done
# the next pages and the explanations of a few events
next=$(curl -s --max-time 20 "$BASE/api/events?dyad=SRB-KSV&limit=20" |
       python3 -c 'import json,sys; print(json.load(sys.stdin).get("next") or "")')
[ -n "$next" ] && curl -s -o /dev/null --max-time 20 "$BASE/api/events?dyad=SRB-KSV&limit=20&cursor=$next"
next=$(curl -s --max-time 20 "$BASE/api/events?limit=20" |
       python3 -c 'import json,sys; print(json.load(sys.stdin).get("next") or "")')
[ -n "$next" ] && curl -s -o /dev/null --max-time 20 "$BASE/api/events?limit=20&cursor=$next"
for id in 1 17 250; do curl -s -o /dev/null --max-time 20 "$BASE/api/events/$id"; done
stop_server > /dev/null 2>&1
unset VIGIL_TRACE_SQL

[ -s "$TMP/read.sql" ] || { fail queryplan_trace "VIGIL_TRACE_SQL wrote nothing"; exit 0; }
ok queryplan_trace

python3 - "$STORE" "$TMP/read.sql" "$TMP/ingest.sql" <<'PY'
import re, sqlite3, sys

store, read_log, ingest_log = sys.argv[1:4]
c = sqlite3.connect(store)
BIG = ("events", "mentions", "sentences", "articles")

# Statements that read a whole table by design, each with its reason.
WHOLE = [
    # /api/meta and the dashboard's header: how many events in all
    (r"^SELECT count\(\*\), min\(date\), max\(date\) FROM events$", "counts every event"),
    # /api/dyads without dates: the code pairs over the whole store (the
    # watch folds them into country and organisation dyads)
    (r"^SELECT source, target, count\(\*\).* FROM events WHERE 1 = 1 GROUP BY source, target$",
     "aggregates every event"),
    # /api/places without filters: every located event, grouped
    (r"^SELECT place_name, place_country, round\(lat, 3\).* FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY",
     "groups every located event"),
    # alerts over every pair (`vigil alerts`, /api/alerts without a dyad):
    # the detector's baselines need every conflict event of every pair, a
    # large share of all events, which a scan reads faster than an index
    (r"^SELECT id, date, date_precision, source, target, quad, CASE WHEN quad IS NULL THEN root END, goldstein FROM events "
     r"WHERE 1 = 1 AND \(quad >= 3 OR \(quad IS NULL AND root >= '09'\)\)$",
     "the detector reads every conflict event"),
    # the ingest, while a kind of compressed value has no dictionary yet
    # (store_sqlite.c, docs/store.md "Compressed values"): how many values
    # there are, counting at most 8,001, at the first value of a batch;
    # and, once, the first (at most 8,000) in key order to train on
    (r"^SELECT count\(\*\) FROM \(SELECT 1 FROM (mentions|sentences) LIMIT \?1\)$",
     "counts at most 8,001 values while there is no dictionary"),
    (r"^SELECT \w+, \w+, (matched|text) FROM (mentions|sentences) WHERE typeof\(\w+\) = 'text' .* LIMIT \?1$",
     "reads the first values once, to train a dictionary"),
]

def nparams(sql):
    try:
        c.execute("EXPLAIN QUERY PLAN " + sql)
        return 0
    except sqlite3.ProgrammingError as e:
        m = re.search(r"uses (\d+)", str(e))
        if not m:
            raise
        return int(m.group(1))

def plan(sql):
    n = nparams(sql)
    return [r[3] for r in c.execute("EXPLAIN QUERY PLAN " + sql, (None,) * n)]

def statements(path, only_reads):
    seen = []
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return seen
    for s in lines:
        s = s.strip()
        if not s or s in seen:
            continue
        head = s.split(None, 1)[0].upper()
        if head not in ("SELECT", "WITH", "UPDATE", "DELETE"):
            continue
        if only_reads and head != "SELECT" and head != "WITH":
            continue
        seen.append(s)
    return seen

bad = 0
used = set()
checked = 0
for path, reads in ((read_log, True), (ingest_log, False)):
    for sql in statements(path, reads):
        if not re.search(r"\b(%s)\b" % "|".join(BIG), sql):
            continue
        try:
            p = plan(sql)
        except sqlite3.Error as e:
            print("not ok queryplan_prepare\n# %s: %s" % (sql[:200], e))
            bad += 1
            continue
        checked += 1
        for line in p:
            for ix in re.findall(r"USING (?:COVERING )?INDEX (\w+)", line):
                used.add(ix)
            if "PRIMARY KEY" in line:
                used.add("(primary key)")
        whole = next((why for rx, why in WHOLE if re.search(rx, sql)), None)
        # a SCAN of a big table: row by row, or along an index without a
        # condition on it ("USING INDEX x" with no "(...)"); an ORDER BY ...
        # LIMIT walk of an index is a scan too, but one that stops early,
        # and is allowed when the statement has a LIMIT
        scans = [l for l in p if re.match(r"SCAN (%s)\b" % "|".join(BIG), l)
]
        scans = [l for l in scans
                 if not (" LIMIT " in sql and "USING INDEX" in l)
                 and not ("COVERING INDEX" in l and whole)]
        if scans and not whole:
            bad += 1
            print("not ok queryplan_scan\n# %s\n#   %s" % (sql[:300], "\n#   ".join(p)))
print("# %d statements checked" % checked)
if not bad:
    print("ok queryplan_no_scans")
idx = [r[0] for r in c.execute(
    "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")]
unused = [i for i in idx if i not in used]
if unused:
    print("not ok queryplan_indexes_used\n# no collected plan uses: %s" % ", ".join(unused))
else:
    print("ok queryplan_indexes_used")
PY
