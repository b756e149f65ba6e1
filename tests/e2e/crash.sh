#!/bin/bash
# crash.sh -- `vigil ingest` killed with SIGKILL in the middle of a run:
# the store is intact and holds whole batches, and rerunning the ingest
# gives a store equal to a clean run's ("Equal stores" in docs/store.md:
# the canonical dump of tests/fixtures/store/dbtool.py).  Prints TAP lines.
set -u
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
FX=tests/fixtures/store
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export VIGIL_GAZETTEER=/nonexistent
ING=("$VIGIL" ingest --verbs "$FX/mini.verbs" --actors "$FX/mini.actors" --date 2023-10-05
     --batch 200 -j 2)
py() { python3 "$FX/dbtool.py" "$@"; }
is() {
    if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1"; echo "# got '$2', want '$3'"; fi
}

py gen "$FX/articles.jsonl" "$T/in.jsonl" 6000     # 42,000 articles (and 6,000 bad records)
how=$(py kill-midway "$T/crash.db" 1000 -- "${ING[@]}" --db "$T/crash.db" "$T/in.jsonl")
is crash_killed_midway "$how" killed
n=$(py q "$T/crash.db" "SELECT count(*) FROM articles")
is crash_integrity "$(py integrity "$T/crash.db") $(( n > 0 ))" "ok 1"
is crash_whole_batches "$(( n > 0 && n % 200 == 0 && n < 42000 ))" 1
echo "# killed with $n of 42000 articles committed"
is crash_counts_consistent "$(py q "$T/crash.db" "SELECT count(*) FROM events e WHERE num_mentions \
    != (SELECT count(*) FROM mentions WHERE event_id = e.id)") $(py q "$T/crash.db" \
    "SELECT count(*) > 0 FROM events")" "0 1"

"${ING[@]}" --db "$T/crash.db" "$T/in.jsonl" 2>/dev/null
"${ING[@]}" --db "$T/clean.db" "$T/in.jsonl" 2>/dev/null
py dump "$T/crash.db" >"$T/d1"
py dump "$T/clean.db" >"$T/d2"
if [ -s "$T/d1" ] && cmp -s "$T/d1" "$T/d2"; then echo "ok crash_rerun_equals_clean"; else
    echo "not ok crash_rerun_equals_clean"; diff "$T/d1" "$T/d2" | head -5 | sed 's/^/# /'; fi
is crash_all_articles "$(py q "$T/crash.db" "SELECT count(*) FROM articles")" 42000
