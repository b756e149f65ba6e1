#!/bin/bash
# pathological.sh -- time per sentence on hostile input (the inputs of
# tests/e2e/pathological.sh, at full size): patterns with twenty spaced
# words and overlapping synsets (each sentence runs into the matching
# budget, docs/coding.md), a million actors sharing their first word, 1 MB
# dictionary lines.  Coding time is CPU time minus the time to load the
# dictionaries alone (an empty input).
#   bench/pathological.sh [VIGIL]        (default build/vigil)
set -eu
cd "$(dirname "$0")/.."
VIGIL=${1:-build/vigil}
GEN=tests/fixtures/pathological.py
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf '%-8s %9s %9s %9s %9s %12s %9s\n' kind size sentences "load s" "total s" "ms/sentence" warnings
for ks in "gaps 100" "gaps 400" "synsets 100" "synsets 400" "actors 250000" "actors 1000000" \
          "line 262144" "line 1048576"; do
    set -- $ks
    read -r _ _ _ load _ _ <<<"$(python3 "$GEN" "$VIGIL" "$1" "$2" "$TMP/$1" load)"
    read -r kind n s t _ w <<<"$(python3 "$GEN" "$VIGIL" "$1" "$2" "$TMP/$1")"
    awk -v k="$kind" -v n="$n" -v s="$s" -v l="$load" -v t="$t" -v w="$w" 'BEGIN {
        c = t - l; if (c < 0) c = 0
        printf "%-8s %9d %9d %9.3f %9.3f %12.3f %9d\n", k, n, s, l, t, 1000 * c / s, w }'
done
