#!/bin/bash
# monitor_ingest.sh -- what keeps a store clean, and the ingest streams
# the monitor is built on:
#   - ingest DIR reads the input formats only (README.md and a .c file are
#     skipped, and listed with -v);
#   - no record is dated today behind anyone's back: ingest skips an
#     undated record with its id and the reason (or dates it with --date),
#     code warns once when it falls back to today;
#   - ingest - commits an article as it arrives, ingest --follow DIR a file
#     dropped into the folder, both within a second; SIGTERM stops them;
#   - a month-precision event is in monthly series, not on the 1st of a
#     daily one;
#   - dyads: unknown-country actors ("---") are out of alerts by default and
#     back with --include-unknown; every dyad alerts prints is accepted by
#     series and report; /api/dyads names NATO, the UN and the EU each as
#     itself;
#   - alerts --follow prints the escalation once, as it is stored.
source "$(dirname "$0")/../lib.sh"
PY=$(command -v /usr/bin/python3 || command -v python3)
EX=$ROOT/examples
PIDS=()
trap 'for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
export VIGIL_GAZETTEER=/nonexistent

now_ms() { date +%s%3N; }
wait_for() {  # SECONDS COMMAND...
    local end=$(( $(now_ms) + $1 * 1000 )); shift
    until "$@" >/dev/null 2>&1; do
        [ "$(now_ms)" -ge "$end" ] && return 1
        sleep 0.05
    done
}
nart() {  # DB -> number of articles
    if [ -z "$PY" ]; then echo 0; return; fi
    "$PY" -c 'import sqlite3,sys
try: print(sqlite3.connect(sys.argv[1], timeout=10).execute("SELECT count(*) FROM articles").fetchone()[0])
except Exception: print(0)' "$1"
}
has_n() { [ "$(nart "$1")" -ge "$2" ]; }

# ---- ingest DIR: input formats only
"$VIGIL" ingest -v --db "$TMP/ex.db" "$EX" 2>"$TMP/ex.err"
rc=$?
if [ $rc = 0 ] && grep -q "skipped .*README.md (not an input format)" "$TMP/ex.err" &&
   grep -q "skipped .*embed.c" "$TMP/ex.err" && grep -q "58 articles (58 new" "$TMP/ex.err"; then
    ok ingest_dir_input_formats_only
else fail ingest_dir_input_formats_only "exit $rc: $(tail -2 "$TMP/ex.err")"; fi

# ---- no record dated today
today=$(date -u +%F)
printf '%s\n' '{"id": "dated", "date": "2023-09-29", "text": "Serbia accused Kosovo of provocations."}' \
              '{"id": "undated", "text": "Kosovo rejected the accusation."}' >"$TMP/mixed.jsonl"
"$VIGIL" ingest --db "$TMP/mixed.db" "$TMP/mixed.jsonl" 2>"$TMP/mixed.err"
rc=$?
if [ $rc = 1 ] && grep -q "record undated (line 2): no date (give --date), skipped" "$TMP/mixed.err" &&
   [ "$(nart "$TMP/mixed.db")" = 1 ]; then ok ingest_undated_skipped
else fail ingest_undated_skipped "exit $rc: $(cat "$TMP/mixed.err")"; fi
"$VIGIL" ingest --db "$TMP/mixed.db" --date 2023-01-15 "$TMP/mixed.jsonl" 2>/dev/null
if [ -n "$PY" ] && [ "$("$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT date FROM articles WHERE id = ?", ("undated",)).fetchone()[0])' "$TMP/mixed.db")" = 2023-01-15 ]; then
    ok ingest_date_option
else fail ingest_date_option; fi
printf '%s\n' '{"id": "a", "text": "Serbia accused Kosovo."}' '{"id": "b", "text": "Kosovo accused Serbia."}' \
    '{"id": "c", "date": "2023-01-01", "text": "Serbia met Kosovo."}' |
    "$VIGIL" code >"$TMP/code.out" 2>"$TMP/code.err"
if [ "$(grep -c "warning: record .* has no date: coded as of today, $today" "$TMP/code.err")" = 1 ] &&
   grep -q "record a has no date" "$TMP/code.err" && [ -s "$TMP/code.out" ]; then ok code_warns_once
else fail code_warns_once "$(cat "$TMP/code.err")"; fi

# ---- ingest -: each article committed as it arrives
if [ -n "$PY" ]; then
    mkfifo "$TMP/pipe"
    "$VIGIL" ingest --db "$TMP/pipe.db" - <"$TMP/pipe" 2>"$TMP/pipe.err" &
    ing=$!
    PIDS+=($ing)
    exec 7>"$TMP/pipe"
    sed -n 1p "$EX/border-crisis-2023.jsonl" >&7
    wait_for 30 has_n "$TMP/pipe.db" 1          # the store exists, the first is in
    t0=$(now_ms)
    sed -n 2p "$EX/border-crisis-2023.jsonl" >&7
    wait_for 30 has_n "$TMP/pipe.db" 2
    t1=$(now_ms)
    exec 7>&-
    wait $ing
    rc=$?
    if [ $rc = 0 ] && [ "$(nart "$TMP/pipe.db")" = 2 ] && [ $((t1 - t0)) -le 2000 ]; then
        ok "ingest_stdin_streams # stored $((t1 - t0)) ms after it was written"
    else fail ingest_stdin_streams "exit $rc, $((t1 - t0)) ms, $(nart "$TMP/pipe.db") articles"; fi

    # ---- ingest --follow DIR: a drop folder
    mkdir -p "$TMP/drop"
    cp "$EX/border-crisis-2023-wires.jsonl" "$TMP/drop/"
    echo "notes" >"$TMP/drop/notes.md"
    "$VIGIL" ingest -v --db "$TMP/drop.db" --follow "$TMP/drop" 2>"$TMP/drop.err" &
    fol=$!
    PIDS+=($fol)
    wait_for 30 has_n "$TMP/drop.db" 22
    sed -n 1,3p "$EX/border-crisis-2023.jsonl" >"$TMP/drop/.incoming"
    t0=$(now_ms)
    mv "$TMP/drop/.incoming" "$TMP/drop/late.jsonl"
    wait_for 30 has_n "$TMP/drop.db" 25
    t1=$(now_ms)
    echo "more notes" >"$TMP/drop/more.md"
    wait_for 10 grep -q "skipped .*more.md" "$TMP/drop.err"
    kill -TERM $fol
    wait $fol
    rc=$?
    if [ $rc = 0 ] && [ "$(nart "$TMP/drop.db")" = 25 ] && [ $((t1 - t0)) -le 2000 ] &&
       grep -q "skipped .*notes.md" "$TMP/drop.err" && grep -q "skipped .*more.md" "$TMP/drop.err" &&
       grep -q "read .*late.jsonl: 3 records" "$TMP/drop.err"; then
        ok "ingest_follow_dir # stored $((t1 - t0)) ms after the file arrived"
    else fail ingest_follow_dir "exit $rc, $((t1 - t0)) ms, $(nart "$TMP/drop.db") articles: $(tail -3 "$TMP/drop.err")"; fi
else
    skip ingest_stdin_streams "no python3"
    skip ingest_follow_dir "no python3"
fi

# ---- a month is not the 1st of a day
printf '%s\n' '{"id": "p1", "date": "2023-09-29", "text": "Serbian forces attacked Kosovo police in March."}' \
              '{"id": "p2", "date": "2023-09-29", "text": "Serbian forces attacked Kosovo police on Friday."}' |
    "$VIGIL" ingest --db "$TMP/prec.db" - 2>/dev/null
day=$("$VIGIL" series --db "$TMP/prec.db" --dyad SRB-KSV --by day 2>"$TMP/prec.err" | awk -F, '$2 == "both" {s += $3} END {print s + 0}')
month=$("$VIGIL" series --db "$TMP/prec.db" --dyad SRB-KSV --by month 2>/dev/null | awk -F, '$1 == "2023-03" && $2 == "both" {print $3}')
if [ "$day" = 1 ] && [ "$month" = 1 ] && grep -q "1 event dated only to a week, month or year left out" "$TMP/prec.err"; then
    ok series_month_precision_out_of_days
else fail series_month_precision_out_of_days "day $day, March $month"; fi

# ---- dyads: real ones only, unless asked; each printed one accepted
# Beside the examples, a spring of clashes between unnamed groups and
# Serbian police ("---" against SRB: a quiet history, then eight a day),
# and a UN appeal.  Generated, so nothing depends on the corpus.
"$PY" - >"$TMP/unk.jsonl" <<'PYU'
import datetime, json
who = ["Protesters", "Students", "Workers", "Farmers", "Rioters", "Villagers", "Militants", "Hooligans"]
n = 0
for day in range(60):
    d = datetime.date(2023, 5, 1) + datetime.timedelta(days=day)
    for i in range(8 if day >= 56 else 1 if day % 4 == 0 else 0):
        n += 1
        print(json.dumps({"id": "unk-%d" % n, "date": d.isoformat(),
                          "text": "%s clashed with Serbian police." % who[(i + day) % len(who)]}))
print(json.dumps({"id": "un-1", "date": "2023-06-01",
                  "text": "The United Nations urged Serbia and Kosovo to show restraint."}))
PYU
"$VIGIL" ingest --db "$TMP/ex.db" "$TMP/unk.jsonl" 2>/dev/null
"$VIGIL" alerts --db "$TMP/ex.db" --h 3 --min-history 10 >"$TMP/al" 2>&1
"$VIGIL" alerts --db "$TMP/ex.db" --h 3 --min-history 10 --include-unknown >"$TMP/alu" 2>&1
known=$(awk 'NR > 1 {print $4 $5}' "$TMP/al" | tr -d '+' | grep -c -- '---')
unknown=$(awk 'NR > 1 {print $4 $5}' "$TMP/alu" | grep -c -- '---')
if [ "$(wc -l <"$TMP/al")" -gt 1 ] && [ "$known" = 0 ] && [ "$unknown" -gt 0 ]; then
    ok "alerts_unknown_out_by_default # $unknown with --include-unknown"
else fail alerts_unknown_out_by_default "$known/$unknown"; fi
bad=
for d in $(awk 'NR > 1 {for (i = 3; i <= NF; i++) if ($i ~ /^(---|[A-Z])[A-Z0-9]*-/) {print $i; break}}' "$TMP/alu" | sort -u); do
    "$VIGIL" series --db "$TMP/ex.db" --dyad "$d" >/dev/null 2>&1 || bad="$bad series:$d"
    "$VIGIL" report --db "$TMP/ex.db" --dyad "$d" >/dev/null 2>&1 || bad="$bad report:$d"
    "$VIGIL" alerts --db "$TMP/ex.db" --dyad "$d" >/dev/null 2>&1 || bad="$bad alerts:$d"
done
[ -z "$bad" ] && ok dyads_printed_are_accepted || fail dyads_printed_are_accepted "$bad"

if command -v curl >/dev/null; then
    "$VIGIL" serve --db "$TMP/ex.db" --port 0 --assets "$TMP" 2>"$TMP/serve.log" &
    PIDS+=($!)
    wait_for 20 grep -q "listening on" "$TMP/serve.log"
    port=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\)/.*|\1|p' "$TMP/serve.log")
    dy=$(curl -s "http://127.0.0.1:$port/api/dyads?limit=100")
    dyu=$(curl -s "http://127.0.0.1:$port/api/dyads?limit=100&unknown=1")
    if grep -q '"a":"IGOWSTNAT","b":"SRB","a_name":"NATO"' <<<"$dy" &&
       grep -q '"a_name":"European Union"' <<<"$dy" && grep -q '"IGOUNO"' <<<"$dy" &&
       ! grep -q '"a":"IGO"\|"---"' <<<"$dy" && grep -q '"---"' <<<"$dyu"; then
        ok api_dyads_organisations_as_themselves
    else fail api_dyads_organisations_as_themselves "$(head -c 300 <<<"$dy")"; fi
else
    skip api_dyads_organisations_as_themselves "curl not installed"
fi

# ---- alerts --follow: the escalation once, as it is stored
if [ -n "$PY" ]; then
    grep -h '"date": "2023-0[1-8]' "$EX"/*.jsonl >"$TMP/early.jsonl"
    grep -h -v '"date": "2023-0[1-8]' "$EX"/*.jsonl >"$TMP/late.jsonl"
    "$VIGIL" ingest --db "$TMP/fol.db" "$TMP/early.jsonl" 2>/dev/null
    "$VIGIL" alerts --db "$TMP/fol.db" --follow --every 1 >"$TMP/fol.out" 2>"$TMP/fol.err" &
    af=$!
    PIDS+=($af)
    sleep 1.5
    "$VIGIL" ingest --db "$TMP/fol.db" "$TMP/late.jsonl" 2>/dev/null
    wait_for 30 test -s "$TMP/fol.out"
    "$VIGIL" ingest --db "$TMP/fol.db" --date 2023-10-12 - <<<'{"id": "later", "text": "Serbia accused Kosovo of new provocations."}' 2>/dev/null
    sleep 2.5
    kill -TERM $af
    wait $af
    rc=$?
    if [ $rc = 0 ] && [ "$(wc -l <"$TMP/fol.out")" = 1 ] &&
       "$PY" -c 'import json,sys; a=json.loads(open(sys.argv[1]).readline()); assert a["dyad"]=="KSV-SRB" and a["key"].startswith("KSV-SRB/2023-09") and a["driver_events"]' "$TMP/fol.out"; then
        ok alerts_follow_prints_once
    else fail alerts_follow_prints_once "exit $rc: $(head -c 200 "$TMP/fol.out") $(cat "$TMP/fol.err")"; fi
else
    skip alerts_follow_prints_once "no python3"
fi
