#!/bin/bash
# run.sh -- runs every Vigil test and prints "N passed, N failed".
#
# Unit tests (cmocka binaries) run from both the normal and the sanitizer
# build.  Scripts in tests/e2e/ and tests/conformance/ print TAP-style
# "ok NAME" / "not ok NAME" lines (and "ok NAME # SKIP reason" when
# ../shared is absent); each such line counts as one test.  tests/api/run.sh
# installs the library and builds programs against it; tests/threads.sh runs
# the threaded paths under ThreadSanitizer (build-tsan/vigil, `make tsan`).
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0
failed=()

count_cmocka() {  # $1 = binary
    local out rc p f
    out=$("$1" 2>&1); rc=$?
    # one PASSED/FAILED summary per cmocka group: sum them
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$f" -ne 0 ]; then
        printf '%s\n' "$out" | grep -E 'FAIL|ERROR|error|Sanitizer' | head -20
        failed+=("$1")
    fi
    pass=$((pass + p)); fail=$((fail + f))
    echo "$1: $p passed, $f failed"
}

count_tap() {  # $1 = script, $2 = vigil binary
    local out line
    out=$(VIGIL="$2" bash "$1" 2>&1)
    while IFS= read -r line; do
        case "$line" in
            "ok "*"# SKIP"*) skip=$((skip + 1)); echo "  $line" ;;
            "ok "*) pass=$((pass + 1)) ;;
            "not ok "*) fail=$((fail + 1)); failed+=("$1: ${line#not ok }"); echo "  $line" ;;
            "#"*) echo "  $line" ;;
        esac
    done <<< "$out"
    echo "$1 ($2): done"
}

for b in build/tests/test_* build-san/tests/test_*; do
    [ -x "$b" ] && count_cmocka "$b"
done
for s in tests/e2e/*.sh tests/conformance/*.sh; do
    [ -f "$s" ] || continue
    count_tap "$s" build/vigil
done
for s in tests/e2e/*.sh; do
    [ -f "$s" ] || continue
    [ -x build-san/vigil ] && count_tap "$s" build-san/vigil
done
count_tap tests/api/run.sh build/vigil
count_tap tests/threads.sh build/vigil

for f in "${failed[@]+"${failed[@]}"}"; do echo "FAILED: $f"; done
echo "$skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
