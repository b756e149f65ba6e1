#!/bin/bash
# schema.sh -- stores of schema version 1 (before method, confidence and
# issues were stored, with the narrower events_dyad and events_root of
# versions 1-3, and without the zdict table of version 5) are upgraded to
# version 5 when opened, by a reader (`vigil series`,
# `export`) or a writer (`vigil ingest`), on SQLite and PostgreSQL
# ($VIGIL_PG_URL; its Vigil tables are DROPPED first); the rows stored
# before keep NULL there; a reader that cannot write says what to do; a
# store of a newer version is refused.  docs/store.md, "Schema versions".
# TAP lines.
source "$(dirname "$0")/../lib.sh"
export VIGIL_GAZETTEER=/nonexistent
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
CUR=$TMP/current.db
"$VIGIL" ingest --db "$CUR" "$ROOT/examples/border-crisis-2023.jsonl" 2>/dev/null
# v1: the same store with the version-2 columns dropped and the index of
# versions 1 and 2
make_v1() {  # OUT
    "$PY" - "$CUR" "$1" <<'PY'
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
src.backup(dst)
for t in ("events", "mentions"):
    for c in ("method", "confidence", "issues"):
        dst.execute("ALTER TABLE %s DROP COLUMN %s" % (t, c))
dst.execute("DROP INDEX events_dyad")
dst.execute("CREATE INDEX events_dyad ON events (source, target, date, quad, goldstein)")
dst.execute("DROP INDEX events_root")
dst.execute("CREATE INDEX events_root ON events (root, date)")
dst.execute("DROP TABLE IF EXISTS zdict")
dst.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
dst.commit()
PY
}
q() { "$PY" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$@"; }
dyad_idx() { q "$1" "SELECT sql FROM sqlite_master WHERE name = 'events_dyad'"; }
root_idx() { q "$1" "SELECT sql FROM sqlite_master WHERE name = 'events_root'"; }
n=$(q "$CUR" "SELECT count(*) FROM events")
[ "${n:-0}" -gt 10 ] && ok schema_current_store || fail schema_current_store "$n events"

# a reader upgrades
make_v1 "$TMP/r.db"
"$VIGIL" series --db "$TMP/r.db" --dyad SRB-KSV >"$TMP/series" 2>"$TMP/err"
is_rc=$?
[ $is_rc -eq 0 ] && [ "$(wc -l <"$TMP/series")" -gt 3 ] && ok schema_reader_opens || fail schema_reader_opens "$(cat "$TMP/err")"
[ "$(q "$TMP/r.db" "SELECT value FROM meta WHERE key = 'schema_version'")" = 5 ] &&
[ "$(q "$TMP/r.db" "SELECT count(*) FROM zdict")" = 0 ] &&
[ "$(q "$TMP/r.db" "SELECT count(*) FROM events WHERE method IS NULL")" = "$n" ] &&
[[ "$(dyad_idx "$TMP/r.db")" == *"goldstein, date_precision)"* ]] &&
[[ "$(root_idx "$TMP/r.db")" == *"(root, date, source, target)"* ]] &&
    ok schema_reader_upgraded || fail schema_reader_upgraded
"$VIGIL" export --db "$TMP/r.db" --format csv >"$TMP/csv" 2>"$TMP/err"
"$PY" - "$TMP/csv" "$n" <<'PY' && ok schema_old_rows_export_empty || fail schema_old_rows_export_empty "$(cat "$TMP/err")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == int(sys.argv[2]) and all(r["method"] == r["confidence"] == r["issues"] == "" for r in rows)
PY

# a writer upgrades, and what it adds is recorded
make_v1 "$TMP/w.db"
"$VIGIL" ingest --db "$TMP/w.db" "$ROOT/examples" 2>"$TMP/err" >/dev/null
[ "$(q "$TMP/w.db" "SELECT value FROM meta WHERE key = 'schema_version'")" = 5 ] &&
[ "$(q "$TMP/w.db" "SELECT count(*) FROM zdict")" = 0 ] &&
[[ "$(dyad_idx "$TMP/w.db")" == *"goldstein, date_precision)"* ]] &&
[[ "$(root_idx "$TMP/w.db")" == *"(root, date, source, target)"* ]] &&
[ "$(q "$TMP/w.db" "SELECT count(*) FROM mentions WHERE method IS NOT NULL")" -gt 0 ] &&
[ "$(q "$TMP/w.db" "SELECT count(*) FROM mentions WHERE method IS NULL")" -gt 0 ] &&
    ok schema_writer_upgraded || fail schema_writer_upgraded "$(tail -2 "$TMP/err")"

# a newer store is refused, untouched
cp "$CUR" "$TMP/new.db"
"$PY" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE meta SET value = ? WHERE key = ?", ("6", "schema_version")); c.commit()' "$TMP/new.db"
"$VIGIL" series --db "$TMP/new.db" --dyad SRB-KSV >/dev/null 2>"$TMP/err"; r1=$?
"$VIGIL" ingest --db "$TMP/new.db" "$ROOT/examples" >/dev/null 2>>"$TMP/err"; r2=$?
[ "$r1 $r2" = "2 2" ] && [ "$(grep -c 'newer Vigil' "$TMP/err")" = 2 ] &&
[ "$(q "$TMP/new.db" "SELECT value FROM meta WHERE key = 'schema_version'")" = 6 ] &&
    ok schema_newer_refused || fail schema_newer_refused "$r1 $r2 $(cat "$TMP/err")"

# a reader that cannot write: the message says what to do
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    mkdir -p "$TMP/ro" && chmod 1777 "$TMP/ro" && chmod 755 "$TMP"
    make_v1 "$TMP/ro/old.db"
    chmod 644 "$TMP/ro/old.db"
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$VIGIL" series --db "$TMP/ro/old.db" \
        --dyad SRB-KSV >/dev/null 2>"$TMP/err"
    rc=$?
    [ $rc = 2 ] && grep -q 'schema version 1 and must be upgraded.*vigil ingest --db' "$TMP/err" &&
    [ "$(q "$TMP/ro/old.db" "SELECT value FROM meta WHERE key = 'schema_version'")" = 1 ] &&
        ok schema_readonly_reader_told || fail schema_readonly_reader_told "rc $rc: $(cat "$TMP/err")"
else
    skip schema_readonly_reader_told "needs root and setpriv"
fi

# PostgreSQL
URL=${VIGIL_PG_URL:-postgresql:///vigil_test}
if ! command -v psql >/dev/null || ! psql "$URL" -Atqc "SELECT 1" >/dev/null 2>&1; then
    skip schema_postgres "no PostgreSQL at $URL"
    exit 0
fi
pq() { psql "$URL" -Atqc "$1"; }
pg_v1() {
    pq "DROP TABLE IF EXISTS mentions, events, sentences, articles, meta CASCADE" 2>/dev/null
    "$VIGIL" ingest --db "$URL" "$ROOT/examples/border-crisis-2023.jsonl" >/dev/null 2>&1
    pq "ALTER TABLE events DROP COLUMN method, DROP COLUMN confidence, DROP COLUMN issues;
        ALTER TABLE mentions DROP COLUMN method, DROP COLUMN confidence, DROP COLUMN issues;
        DROP INDEX events_dyad;
        CREATE INDEX events_dyad ON events (source, target, date, quad, goldstein);
        DROP INDEX events_root;
        CREATE INDEX events_root ON events (root, date);
        UPDATE meta SET value = '1' WHERE key = 'schema_version'" >/dev/null
}
pg_v1
"$VIGIL" series --db "$URL" --dyad SRB-KSV >"$TMP/pgseries" 2>"$TMP/err"
[ $? = 0 ] && cmp -s "$TMP/pgseries" "$TMP/series" && [ "$(pq "SELECT value FROM meta WHERE key = 'schema_version'")" = 5 ] &&
[[ "$(pq "SELECT indexdef FROM pg_indexes WHERE indexname = 'events_dyad'")" == *"goldstein, date_precision)"* ]] &&
[[ "$(pq "SELECT indexdef FROM pg_indexes WHERE indexname = 'events_root'")" == *"(root, date, source, target)"* ]] &&
[ "$(pq "SELECT count(*) FROM events WHERE method IS NULL")" = "$n" ] &&
    ok schema_postgres_reader_upgraded || fail schema_postgres_reader_upgraded "$(cat "$TMP/err")"
pg_v1
"$VIGIL" ingest --db "$URL" "$ROOT/examples" >/dev/null 2>"$TMP/err"
[ "$(pq "SELECT value FROM meta WHERE key = 'schema_version'")" = 5 ] &&
[ "$(pq "SELECT count(*) FROM mentions WHERE method IS NOT NULL")" -gt 0 ] &&
    ok schema_postgres_writer_upgraded || fail schema_postgres_writer_upgraded "$(tail -2 "$TMP/err")"
pq "DROP TABLE IF EXISTS mentions, events, sentences, articles, meta CASCADE" 2>/dev/null
