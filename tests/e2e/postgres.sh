#!/bin/bash
# postgres.sh -- the PostgreSQL back end passes the SQLite checks: ingest,
# idempotency, replaced articles, exact counts, and exports identical to
# SQLite's in every format.  Uses $VIGIL_PG_URL (default
# postgresql:///vigil_test: the local socket, as the current user) and
# DROPS Vigil's tables there first.  Skips when no server answers.
set -u
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
URL=${VIGIL_PG_URL:-postgresql:///vigil_test}
FX=tests/fixtures/store
if ! command -v psql >/dev/null; then echo "ok postgres # SKIP psql not installed"; exit 0; fi
if ! psql "$URL" -Atqc "SELECT 1" >/dev/null 2>&1; then
    echo "ok postgres # SKIP no PostgreSQL server at $URL"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export VIGIL_GAZETTEER=/nonexistent
ING=("$VIGIL" ingest --verbs "$FX/mini.verbs" --actors "$FX/mini.actors" --date 2023-10-05 --batch 3)
pq() { psql "$URL" -Atqc "$1"; }
is() {
    if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1"; echo "# got '$2', want '$3'"; fi
}
# exports of both stores, without what depends on the time of ingest
exports() {  # DB PREFIX
    for f in phoenix icews csv; do "$VIGIL" export --db "$1" --format "$f" >"$2.$f"; done
    "$VIGIL" export --db "$1" --format gdelt | cut -f1-59,61 >"$2.gdelt"
    "$VIGIL" export --db "$1" --format plover | sed 's/"coded_date":"[^"]*",//' >"$2.plover"
    "$VIGIL" export --db "$1" --format csv --one-a-day >"$2.oad"
}
same_exports() {  # NAME
    local bad=0
    for f in phoenix icews csv gdelt plover oad; do
        [ -s "$T/pg.$f" ] && cmp -s "$T/pg.$f" "$T/sq.$f" || bad=1
    done
    is "$1" "$bad" 0
}

pq "DROP TABLE IF EXISTS mentions, events, sentences, articles, meta CASCADE" 2>/dev/null
"${ING[@]}" --db "$URL" -v "$FX/articles.jsonl" "$FX/oneaday.jsonl" 2>"$T/err"
is pg_ingest_exit "$? $(grep -c '^vigil ingest: 10 articles (10 new' "$T/err")" "1 1"
"${ING[@]}" --db "$T/s.db" "$FX/articles.jsonl" "$FX/oneaday.jsonl" 2>/dev/null
is pg_articles "$(pq "SELECT count(*) FROM articles")" 10
is pg_date_sunday "$(pq "SELECT date || ' ' || date_precision FROM mentions \
    WHERE article_id = 'afp-1' AND sentence_no = 0")" "2023-09-24 day"
is pg_dedup "$(pq "SELECT num_mentions || '/' || num_articles || '/' || num_sources FROM events \
    WHERE source = 'KSV' AND target = 'SRB'")" "3/3/2"
is pg_counts_exact "$(pq "SELECT count(*) FROM events e WHERE num_mentions != (SELECT count(*) \
    FROM mentions WHERE event_id = e.id) OR num_articles != (SELECT count(DISTINCT article_id) \
    FROM mentions WHERE event_id = e.id)") $(pq "SELECT count(*) > 0 FROM events")" "0 t"
is pg_indexes "$(pq "SELECT count(*) FROM pg_indexes WHERE tablename = 'events'")" 7
exports "$URL" "$T/pg"
exports "$T/s.db" "$T/sq"
same_exports pg_exports_equal_sqlite

"${ING[@]}" --db "$URL" -v "$FX/articles.jsonl" "$FX/oneaday.jsonl" 2>"$T/err"
grep -q "0 new, 0 replaced, 10 unchanged" "$T/err" && echo "ok pg_idempotent_stats" ||
    echo "not ok pg_idempotent_stats"
cp "$T/pg.csv" "$T/before.csv"
exports "$URL" "$T/pg"
[ -s "$T/pg.csv" ] && cmp -s "$T/pg.csv" "$T/before.csv" && echo "ok pg_idempotent" ||
    echo "not ok pg_idempotent"

sed 's/Serbian police attacked Kosovo police on Sunday near/Russia promised Ukraine on Sunday near/' \
    "$FX/articles.jsonl" >"$T/changed.jsonl"
"${ING[@]}" --db "$URL" -v "$T/changed.jsonl" 2>"$T/err"
grep -q "1 replaced" "$T/err" && echo "ok pg_replace_stats" || echo "not ok pg_replace_stats"
"${ING[@]}" --db "$T/s.db" "$T/changed.jsonl" 2>/dev/null
is pg_replace_recount "$(pq "SELECT num_mentions || '/' || num_sources FROM events \
    WHERE source = 'SRBCOP'")" "1/1"
exports "$URL" "$T/pg"
exports "$T/s.db" "$T/sq"
same_exports pg_replace_equal_sqlite

# a second ingest waits for the first one's batch (advisory lock), then
# finds everything stored
py() { python3 "$FX/dbtool.py" "$@"; }
py gen "$FX/articles.jsonl" "$T/big.jsonl" 300
"${ING[@]}" --db "$URL" "$T/big.jsonl" 2>/dev/null &
A=$!
"${ING[@]}" --db "$URL" "$T/big.jsonl" 2>/dev/null
wait "$A"
is pg_concurrent "$(pq "SELECT count(*) || '/' || (SELECT count(*) FROM mentions m WHERE \
    article_id LIKE '%-%-%') FROM articles WHERE id LIKE '%-%-%'")" "2100/3000"
is pg_concurrent_counts "$(pq "SELECT count(*) FROM events e WHERE num_mentions != \
    (SELECT count(*) FROM mentions WHERE event_id = e.id)") $(pq "SELECT count(*) > 0 FROM events")" "0 t"
