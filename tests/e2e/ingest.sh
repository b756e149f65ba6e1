#!/bin/bash
# ingest.sh -- `vigil ingest` into SQLite on the fixture articles (a tiny
# TABARI dictionary, tests/fixtures/store): dates, deduplication and exact
# counts, metadata, idempotency, replaced articles, directories and stdin,
# a locked database, a full disk, an unwritable directory, the progress bar.
# Prints TAP lines; needs python3 (standard library) for its checks.
set -u
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
FX=tests/fixtures/store
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# without a gazetteer unless a test asks for one: places are then the actors' countries
GAZ=${VIGIL_GAZETTEER:-$(dirname "$VIGIL")/gazetteer.bin}
export VIGIL_GAZETTEER=/nonexistent
ING=("$VIGIL" ingest --verbs "$FX/mini.verbs" --actors "$FX/mini.actors" --date 2023-10-05)
py() { python3 "$FX/dbtool.py" "$@"; }
is() {  # NAME GOT WANT
    if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1"; echo "# got '$2', want '$3'"; fi
}
yes_no() {  # NAME COMMAND...
    local n=$1; shift
    if "$@" >/dev/null 2>&1; then echo "ok $n"; else echo "not ok $n"; fi
}

DB=$T/a.db
"${ING[@]}" --db "$DB" -v "$FX/articles.jsonl" 2>"$T/err"
is ingest_exit_bad_record "$? $(grep -c '^vigil ingest: 7 articles (7 new' "$T/err")" "1 1"
yes_no ingest_reports_bad_record grep -q "record bad-1.*bad date" "$T/err"
is ingest_articles "$(py q "$DB" "SELECT count(*) FROM articles")" 7

# "on Sunday" in an article of Friday 2023-09-29
is ingest_date_sunday "$(py q "$DB" "SELECT date || ' ' || date_precision || ' ' || date_expr \
    FROM mentions WHERE article_id = 'afp-1' AND sentence_no = 0")" "2023-09-24 day Sunday"
is ingest_date_yesterday "$(py q "$DB" "SELECT date FROM mentions WHERE article_id = 'ap-1' \
    AND sentence_no = 0")" "2023-10-01"
is ingest_date_week "$(py q "$DB" "SELECT date || ' ' || date_precision FROM mentions \
    WHERE article_id = 'bbc-1'")" "2023-09-25 week"
is ingest_date_article "$(py q "$DB" "SELECT date || ' ' || date_precision FROM mentions \
    WHERE article_id = 'rtr-1' AND sentence_no = 1")" "2023-09-29 article"
is ingest_default_date "$(py q "$DB" "SELECT date FROM articles WHERE id = 'nodate-1'")" "2023-10-05"

# two outlets, one attack; three reports of one accusation (two from AFP)
is ingest_dedup_attack "$(py q "$DB" "SELECT num_mentions || '/' || num_articles || '/' || \
    num_sources || ' ' || first_seen FROM events WHERE source = 'SRBCOP' AND target = 'KSVCOP'")" \
    "2/2/2 2023-09-29"
is ingest_dedup_accuse "$(py q "$DB" "SELECT num_mentions || '/' || num_articles || '/' || \
    num_sources FROM events WHERE source = 'KSV' AND target = 'SRB'")" "3/3/2"
is ingest_counts_exact "$(py q "$DB" "SELECT count(*) FROM events e WHERE num_mentions != \
    (SELECT count(*) FROM mentions WHERE event_id = e.id) OR num_articles != (SELECT \
    count(DISTINCT article_id) FROM mentions WHERE event_id = e.id)") of $(py q "$DB" \
    "SELECT count(*) FROM events")" "0 of 6"
is ingest_mentions_kept "$(py q "$DB" "SELECT count(*) || '/' || sum(num_mentions) FROM events")" \
    "6/10"
is ingest_metadata "$(py q "$DB" "SELECT source || ' ' || url || ' ' || title FROM articles \
    WHERE id = 'rtr-1'")" "Reuters https://example.org/rtr/1 Kosovo says Serbia behind raid"
is ingest_matched_json "$(py q "$DB" "SELECT json_extract(matched, '$.verb.text') FROM mentions \
    WHERE article_id = 'ap-2'")" "shelled"
is ingest_sentences_with_events "$(py q "$DB" "SELECT count(*) FROM sentences")" 10

# places: the actors' country when the gazetteer is missing or the text names none
if [ -f "$GAZ" ]; then
    G=$T/g.db
    VIGIL_GAZETTEER=$GAZ "${ING[@]}" --db "$G" "$FX/articles.jsonl" 2>/dev/null
    is ingest_place_city "$(py q "$G" "SELECT place_name || ' ' || place_country || ' ' || \
        place_from_actor || ' ' || (lat IS NOT NULL) FROM events WHERE place_raw = 'Kharkiv'")" \
        "Kharkiv UKR 0 1"
    is ingest_place_from_actor "$(py q "$G" "SELECT place_country || ' ' || place_precision || \
        ' ' || place_from_actor FROM events WHERE source = 'KSV'")" "KSV country 1"
    is ingest_place_not_actor_span "$(py q "$G" "SELECT count(*) FROM mentions WHERE \
        place_raw IN ('Kosovo', 'Serbia', 'Ukraine')") of $(py q "$G" "SELECT count(*) FROM \
        mentions")" "0 of 10"
else
    echo "ok ingest_place_city # SKIP no gazetteer at $GAZ"
fi
"${ING[@]}" --db "$T/nogaz.db" "$FX/articles.jsonl" 2>"$T/err"
is ingest_no_gazetteer_message "$(grep -c "places in the text are not located" "$T/err")" 1
is ingest_no_gazetteer_actor "$(py q "$T/nogaz.db" "SELECT place_country || ' ' || place_from_actor \
    FROM events WHERE source = 'RUSMIL' LIMIT 1")" "RUS 1"

# idempotency: the same input changes nothing
py dump "$DB" >"$T/d1"
"${ING[@]}" --db "$DB" -v "$FX/articles.jsonl" 2>"$T/err"
py dump "$DB" >"$T/d2"
yes_no ingest_idempotent eval '[ -s "$T/d1" ] && cmp -s "$T/d1" "$T/d2"'
yes_no ingest_idempotent_stats grep -q "0 new, 0 replaced, 7 unchanged" "$T/err"

# a changed text replaces that article's mentions and recomputes its events
sed 's/Serbian police attacked Kosovo police on Sunday near/Russia promised Ukraine on Sunday near/' \
    "$FX/articles.jsonl" >"$T/changed.jsonl"
"${ING[@]}" --db "$DB" -v "$T/changed.jsonl" 2>"$T/err"
yes_no ingest_replace_stats grep -q "1 replaced, 6 unchanged" "$T/err"
is ingest_replace_recount "$(py q "$DB" "SELECT num_mentions || '/' || num_sources FROM events \
    WHERE source = 'SRBCOP'")" "1/1"
is ingest_replace_mentions "$(py q "$DB" "SELECT group_concat(source || '-' || target, ' ') \
    FROM (SELECT * FROM mentions WHERE article_id = 'rtr-1' ORDER BY sentence_no)")" "RUS-UKR KSV-SRB"
"${ING[@]}" --db "$DB" "$FX/articles.jsonl" 2>/dev/null
"${ING[@]}" --db "$T/fresh.db" "$FX/articles.jsonl" 2>/dev/null
py dump "$DB" >"$T/d3"
py dump "$T/fresh.db" >"$T/d4"
yes_no ingest_replace_back eval '[ -s "$T/d3" ] && cmp -s "$T/d3" "$T/d4"'

# directories (recursively, format by extension) and standard input
mkdir -p "$T/in/sub"
head -3 "$FX/articles.jsonl" >"$T/in/a.jsonl"
sed -n 4,6p "$FX/articles.jsonl" >"$T/in/sub/b.jsonl"
echo "Serbia accused Kosovo of provocations in the north, the president said on Monday." \
    >"$T/in/sub/c.txt"
"${ING[@]}" --db "$T/dir.db" "$T/in" 2>"$T/err"
is ingest_directory "$(py q "$T/dir.db" "SELECT count(*) FROM articles")" 7
is ingest_text_file "$(py q "$T/dir.db" "SELECT date FROM mentions WHERE article_id LIKE '%c.txt'")" \
    "2023-10-02"
"${ING[@]}" --db "$T/stdin.db" - <"$FX/articles.jsonl" 2>/dev/null
is ingest_stdin "$(py q "$T/stdin.db" "SELECT count(*) FROM articles")" 7

# a locked database: a clear error, nothing written
"${ING[@]}" --db "$T/lock.db" "$FX/articles.jsonl" 2>/dev/null
py dump "$T/lock.db" >"$T/l1"
py hold-lock "$T/lock.db" 4 >"$T/held" &
HOLDER=$!
for _ in $(seq 100); do [ -s "$T/held" ] && break; sleep 0.05; done
"${ING[@]}" --db "$T/lock.db" --lock-timeout 1 "$T/changed.jsonl" 2>"$T/err"
is ingest_locked_exit "$?" 2
yes_no ingest_locked_message grep -q "database is locked" "$T/err"
wait "$HOLDER"
py dump "$T/lock.db" >"$T/l2"
yes_no ingest_locked_unchanged eval '[ -s "$T/l1" ] && cmp -s "$T/l1" "$T/l2"'

# a full disk (file size limit): a clear error, a rolled-back batch, a
# consistent store, and a rerun completes it
py gen "$FX/articles.jsonl" "$T/big.jsonl" 1500
(trap '' XFSZ; ulimit -f 400; exec "${ING[@]}" --db "$T/full.db" --batch 100 "$T/big.jsonl") \
    2>"$T/err"
is ingest_full_exit "$?" 2
yes_no ingest_full_message grep -q "rolled back" "$T/err"
n=$(py q "$T/full.db" "SELECT count(*) FROM articles")
is ingest_full_integrity "$(py integrity "$T/full.db") $(( n > 0 ))" "ok 1"
is ingest_full_whole_batches "$(( n > 0 && n % 100 == 0 && n < 10500 ))" 1
"${ING[@]}" --db "$T/full.db" --batch 100 "$T/big.jsonl" 2>/dev/null
"${ING[@]}" --db "$T/full2.db" --batch 100 "$T/big.jsonl" 2>/dev/null
py dump "$T/full.db" >"$T/f1"
py dump "$T/full2.db" >"$T/f2"
is ingest_full_rerun_equal "$(cmp -s "$T/f1" "$T/f2" && echo same) $(py q "$T/full.db" \
    "SELECT count(*) FROM articles")" "same 10500"

# an unwritable place
"${ING[@]}" --db "$T/no/such/dir/x.db" "$FX/articles.jsonl" 2>"$T/err"
is ingest_unwritable_exit "$?" 2
yes_no ingest_unwritable_message grep -q "cannot open" "$T/err"

# the progress bar, on a terminal only
if command -v script >/dev/null; then
    script -qec "${ING[*]} --db $T/tty.db $FX/articles.jsonl" /dev/null >"$T/tty" 2>&1
    yes_no ingest_progress_tty grep -q "articles.*sentences.*events.*sent/s.*ETA" "$T/tty"
else
    echo "ok ingest_progress_tty # SKIP no script(1)"
fi
"${ING[@]}" --db "$T/quiet.db" "$FX/articles.jsonl" 2>"$T/err"
is ingest_quiet_off_tty "$? $(grep -c "ETA" "$T/err") $(py q "$T/quiet.db" \
    "SELECT count(*) FROM articles")" "1 0 7"
