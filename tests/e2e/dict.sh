#!/bin/bash
# End-to-end tests of `vigil dict check|lookup|stats|unknown`.
source "$(dirname "$0")/../lib.sh"
F=$ROOT/tests/fixtures

# check: the default dictionaries have no errors
"$VIGIL" dict check >"$TMP/defaults" 2>&1; rc=$?
if [ $rc -eq 0 ] && ! grep -q ': error: ' "$TMP/defaults" && grep -q '^vigil dict check: 0 errors' "$TMP/defaults"; then
    ok dict_check_defaults_clean
else
    fail dict_check_defaults_clean "rc=$rc: $(grep ': error: ' "$TMP/defaults" | head -3 | tr '\n' ' ')"
fi

# check: a broken dictionary is reported gcc-style, file:line, exit 1
"$VIGIL" dict check --actors "$F/broken.actors" >"$TMP/broken" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q '^vigil dict check: [1-9][0-9]* errors' "$TMP/broken" && ok dict_check_broken_exit ||
    fail dict_check_broken_exit "rc=$rc"
B='broken\.actors'
grep -q "$B:4: error: missing bracket" "$TMP/broken" && ok dict_check_load_error || fail dict_check_load_error
grep -q "$B:5: warning: date range \[SRBGOV >20150101\] of 'IVICA_DACIC_' overlaps \[SRBGOV 20120727-20170531\]" "$TMP/broken" \
    && ok dict_check_overlap || fail dict_check_overlap
grep -q "$B:6: warning: duplicate actor 'SERBIA_' (first at .*$B:2)" "$TMP/broken" \
    && ok dict_check_duplicate || fail dict_check_duplicate
grep -q "$B:7: error: actor 'KOSOVO_' \[SRB\] is already defined at .*$B:3 as \[KSV\]" "$TMP/broken" \
    && ok dict_check_conflict || fail dict_check_conflict
grep -q "$B:8: error: inverted date range" "$TMP/broken" && ok dict_check_inverted || fail dict_check_inverted
tail -1 "$TMP/broken" | grep -q '^vigil dict check: 3 errors, 2 warnings in 1 file$' \
    && ok dict_check_summary || fail dict_check_summary "$(tail -1 "$TMP/broken")"

# check --expired lists actors with no code on that date
printf 'OLD_LEADER_\n\t[SRBGOV 20000101-20050101]\n' >"$TMP/old.txt"
"$VIGIL" dict check --actors "$TMP/old.txt" --expired 2023-01-01 2>&1 \
    | grep -q "old.txt:1: warning: 'OLD_LEADER_' has no code valid on 2023-01-01" \
    && ok dict_check_expired || fail dict_check_expired

# lookup: the accented name, its code on the date and why
"$VIGIL" dict lookup "Vučić" --date 2023-09-29 >"$TMP/lookup" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q '^Vučić  actor VUCIC_  dict/actors-people-europe.txt:[0-9]*$' "$TMP/lookup" \
    && grep -q '^  code: SRBGOV$' "$TMP/lookup" \
    && grep -q '=> \[SRBGOV >20170531\] .*dict/actors-people-europe.txt:[0-9]' "$TMP/lookup"; then
    ok dict_lookup_vucic
else
    fail dict_lookup_vucic "rc=$rc"
fi
"$VIGIL" dict lookup "Vučić" --date 2015-06-01 | grep -q '=> \[SRBGOV 20120727-20170530\]' \
    && ok dict_lookup_date_picks_alternative || fail dict_lookup_date_picks_alternative
if "$VIGIL" dict lookup "Serbian police said" --json --date 2023-09-29 | python3 -c '
import json, sys
j = json.load(sys.stdin)
kinds = {m["kind"] for m in j["matches"]}
assert {"actor", "agent", "verb"} <= kinds, kinds
ag = [m for m in j["matches"] if m["kind"] == "agent"][0]
assert ag["composed"] == "SRBCOP", ag
v = [m for m in j["matches"] if m["kind"] == "verb"][0]
assert v["patterns"] > 0 and v["source"]["line"] > 0, v
'; then ok dict_lookup_json; else fail dict_lookup_json; fi
"$VIGIL" dict lookup "xyzzy plugh" >"$TMP/none" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q '^"xyzzy plugh" on [0-9-]*: 0 matches$' "$TMP/none" && ok dict_lookup_nothing_exit1 ||
    fail dict_lookup_nothing_exit1 "rc=$rc: $(head -2 "$TMP/none")"

# stats
"$VIGIL" dict stats >"$TMP/stats" 2>&1
grep -Eq '^actors +[1-9][0-9]{3,}$' "$TMP/stats" && grep -Eq '^verb_blocks +[1-9]' "$TMP/stats" \
    && grep -Eq '^countries +[1-9][0-9]{2}$' "$TMP/stats" && grep -Eq '^load_time +[0-9.]+ ms' "$TMP/stats" \
    && ok dict_stats || fail dict_stats
"$VIGIL" dict stats --json --project "$F/mini.project" 2>/dev/null | python3 -c '
import json, sys
j = json.load(sys.stdin)
assert j["files"] == 4 and j["actors"] >= 10 and j["agent_phrases"] > 0 and j["load_ms"] >= 0, j
' && ok dict_stats_json || fail dict_stats_json

# unknown
"$VIGIL" dict unknown "$F/articles.jsonl" --min 1 >"$TMP/unk" 2>"$TMP/unkerr"; rc=$?
[ $rc -eq 0 ] && grep -q 'vigil dict unknown: 4 sentences' "$TMP/unkerr" && ok dict_unknown_runs || fail dict_unknown_runs "rc=$rc"

"$VIGIL" dict >/dev/null 2>&1; [ $? -eq 2 ] && ok dict_usage || fail dict_usage
"$VIGIL" dict frobnicate >/dev/null 2>&1; [ $? -eq 2 ] && ok dict_bad_subcommand || fail dict_bad_subcommand

# the reference dictionaries and corpus
if have_shared; then
    P=$SHARED/dictionaries/phoenix/PETR_config.ini
    "$VIGIL" dict check --config "$P" >"$TMP/phx" 2>&1; rc=$?
    [ $rc -eq 1 ] && grep -Eq '^.*Phoenix\.Countries\.actors\.txt:[0-9]+: (error|warning): ' "$TMP/phx" \
        && grep -Eq 'CAMEO\.2\.0\.txt:[0-9]+: error: ' "$TMP/phx" \
        && ok dict_check_phoenix || fail dict_check_phoenix "rc=$rc"
    "$VIGIL" dict check --project "$SHARED/suites/tabari/Validate.project" >"$TMP/tab" 2>&1; rc=$?
    [ $rc -eq 1 ] && grep -q 'TABARI.Demo.verbs:661: error: conflicting duplicate pattern' "$TMP/tab" \
        && ok dict_check_tabari || fail dict_check_tabari "rc=$rc"
    "$VIGIL" dict lookup "Vučić" --config "$P" --date 2016-01-01 2>/dev/null | grep -q '=> \[SRBGOV' \
        && ok dict_lookup_phoenix || fail dict_lookup_phoenix
    "$VIGIL" dict unknown "$SHARED/corpora/news-sentences.jsonl" >"$TMP/news" 2>/dev/null; rc=$?
    n=$(wc -l <"$TMP/news")
    if [ $rc -eq 0 ] && [ "$n" -ge 20 ] && awk -F'\t' 'NF != 3 || $1 < 2 { bad = 1 } END { exit bad }' "$TMP/news" \
        && ! cut -f2 "$TMP/news" | grep -Eqx 'The|But|Monday|He|It|In|On'; then
        ok dict_unknown_news
    else
        fail dict_unknown_news "rc=$rc lines=$n"
    fi
else
    for t in dict_check_phoenix dict_check_tabari dict_lookup_phoenix dict_unknown_news; do
        skip $t "no ../shared"
    done
fi
