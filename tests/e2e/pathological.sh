#!/bin/bash
# pathological.sh -- coding stays linear in the size of hostile input:
# patterns with many spaced words (2^n placements), synsets whose members
# overlap every way, a million actors sharing their first word, 1 MB
# dictionary lines of every kind (tests/fixtures/pathological.py makes
# them at run time).  Each is coded at size n and 4n; the CPU time must
# grow less than 8-fold (linear: 4; quadratic: 16).  The matching budget
# (docs/coding.md) must stop every backtracking sentence with a warning,
# and the sentence is still coded with the verb's own code.  The unit test
# test_coder's "matching budget" group checks the exact step counts.
source "$(dirname "$0")/../lib.sh"
GEN=$ROOT/tests/fixtures/pathological.py
command -v python3 >/dev/null || { skip pathological "no python3"; exit 0; }

# sizes: a million actors in the normal build, less under the sanitizers
case $VIGIL in
*san*) sizes=("gaps 10" "synsets 10" "actors 25000" "line 262144") ;;
*)     sizes=("gaps 50" "synsets 50" "actors 250000" "line 262144") ;;
esac

for ks in "${sizes[@]}"; do
    set -- $ks
    kind=$1 n=$2
    if ! a=$(timeout 300 python3 "$GEN" "$VIGIL" "$kind" "$n" "$TMP/$kind" 2>&1) ||
       ! b=$(timeout 600 python3 "$GEN" "$VIGIL" "$kind" $((4 * n)) "$TMP/$kind" 2>&1); then
        fail "pathological_${kind}_runs" "$a $b"
        continue
    fi
    ok "pathological_${kind}_runs"
    echo "# $a"
    echo "# $b"
    # fields: kind n sentences cpu events warnings
    read -r _ _ s1 t1 e1 w1 <<<"$a"
    read -r _ _ s4 t4 e4 w4 <<<"$b"
    ratio=$(awk -v a="$t1" -v b="$t4" 'BEGIN { if (a < 0.02) a = 0.02; printf "%.2f", b / a }')
    if awk -v r="$ratio" 'BEGIN { exit !(r < 8) }'; then ok "pathological_${kind}_linear (x$ratio for 4n)"
    else fail "pathological_${kind}_linear (x$ratio for 4n)"; fi
    case $kind in
    gaps|synsets)
        # every sentence backtracks until the budget stops it, once
        if [ "$w1" = "$s1" ] && [ "$w4" = "$s4" ] && [ "$s4" = $((4 * n)) ] && [ "$e4" = "$s4" ]; then
            ok "pathological_${kind}_budget_warns"
        else fail "pathological_${kind}_budget_warns" "$a / $b"; fi ;;
    esac
done

# the warning names the record and the pattern, and goes to stderr once
if "$VIGIL" code --date 2023-09-29 --actors "$TMP/gaps/actors.txt" --verbs "$TMP/gaps/verbs.txt" \
       "$TMP/gaps/in.jsonl" 2>"$TMP/w.err" >/dev/null &&
   grep -q "^warning: record p0: sentence 0: pattern matching gave up after 200000 steps at pattern '\* A A A A A A A A A A A A A A A A A A A A B' of verb ATTACK (.*verbs.txt:4)" "$TMP/w.err"; then
    ok pathological_warning_names_record_and_pattern
else fail pathological_warning_names_record_and_pattern "$(head -2 "$TMP/w.err")"; fi

# the 1 MB lines are refused with a message, not a crash
if "$VIGIL" code --date 2023-09-29 --actors "$TMP/line/actors.txt" --verbs "$TMP/line/verbs.txt" \
       "$TMP/line/in.jsonl" 2>"$TMP/l.err" >/dev/null &&
   grep -q 'verbs.txt:6: pattern too long' "$TMP/l.err" && grep -q 'actors.txt:4: phrase has more than 32 words' "$TMP/l.err"; then
    ok pathological_long_lines_reported
else fail pathological_long_lines_reported "$(head -5 "$TMP/l.err" | cut -c1-200)"; fi
