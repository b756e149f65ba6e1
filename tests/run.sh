#!/bin/bash
# run.sh -- runs every Vigil test and prints "N passed, N failed".
#
# Unit tests (cmocka binaries) run from the normal build and the gcc and
# clang sanitizer builds (build-san/, build-san-clang/ when built).
# Scripts in tests/e2e/ and tests/conformance/ print TAP-style
# "ok NAME" / "not ok NAME" lines (and "ok NAME # SKIP reason" when
# ../shared is absent); each such line counts as one test.  The e2e
# scripts run again under gcc's sanitizers, and those that code text
# ($CLANG_SAN_SCRIPTS; all with CLANG_SAN_ALL=1) under clang's.  In the
# sanitizer runs every report goes to a log file, and a script after
# which such a log exists fails, whatever its own checks said.
# tests/api/run.sh installs the library and builds programs against it;
# tests/packages/*.sh test the Python and R packages on it;
# tests/threads.sh runs the threaded paths under ThreadSanitizer
# (build-tsan/vigil, `make tsan`).
set -u
cd "$(dirname "$0")/.."
# A sanitizer report exits 86, not 1: a test that expects 1 (records
# rejected) must not take a leak or an ASan/UBSan error for that.
export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
pass=0 fail=0 skip=0
failed=()

# Sanitizer reports (ASan, LSan, UBSan) go to $SANLOG/<kind>.<pid>.
SANLOG=$(mktemp -d)
# Compiled images of the dictionary files tests name go to this run's own
# cache (docs/dictionaries.md), not to the user's ~/.cache/vigil.
DICTCACHE=
if [ -z "${VIGIL_CACHE_DIR:-}" ]; then
    DICTCACHE=$(mktemp -d)
    export VIGIL_CACHE_DIR=$DICTCACHE
fi
trap 'rm -rf "$SANLOG" ${DICTCACHE:+"$DICTCACHE"}' EXIT
export ASAN_OPTIONS="log_path=$SANLOG/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$SANLOG/ubsan:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

# Fails (once) for the sanitizer reports written since the last call.
san_reports() {  # $1 = what ran
    local logs
    logs=$(ls "$SANLOG" 2>/dev/null)
    [ -z "$logs" ] && return 0
    echo "  not ok sanitizer_clean ($1)"
    (cd "$SANLOG" && grep -h -m3 -E 'runtime error|ERROR: |SUMMARY' $logs | head -20 | sed 's/^/  # /')
    rm -f "$SANLOG"/*
    fail=$((fail + 1)); failed+=("$1: sanitizer report")
}

count_cmocka() {  # $1 = binary
    local out rc p f
    out=$("$1" 2>&1); rc=$?
    san_reports "$1"
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
    san_reports "$1 ($2)"
    echo "$1 ($2): done"
}

# Under clang's sanitizers: the scripts that read records and dictionaries
# and code them (the store and the server run under gcc's).
CLANG_SAN_SCRIPTS=${CLANG_SAN_SCRIPTS:-"tests/e2e/badinput.sh tests/e2e/cli.sh tests/e2e/dict.sh
    tests/e2e/seed.sh tests/e2e/ingest.sh tests/e2e/utf8.sh tests/e2e/pathological.sh
    tests/e2e/fuzz_replay.sh tests/e2e/dictimage.sh
    tests/conformance/tabari.sh tests/conformance/petrarch.sh"}
[ "${CLANG_SAN_ALL:-0}" = 1 ] && CLANG_SAN_SCRIPTS="tests/e2e/*.sh tests/conformance/tabari.sh tests/conformance/petrarch.sh"

for b in build/tests/test_* build-san/tests/test_* build-san-clang/tests/test_*; do
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
for s in $CLANG_SAN_SCRIPTS; do
    [ -f "$s" ] || continue
    [ -x build-san-clang/vigil ] && count_tap "$s" build-san-clang/vigil
done
count_tap tests/api/run.sh build/vigil
count_tap tests/threads.sh build/vigil
# the Python and R packages, against build/libvigil.so and an installed copy
for s in tests/packages/*.sh; do
    [ -f "$s" ] && count_tap "$s" build/vigil
done

for f in "${failed[@]+"${failed[@]}"}"; do echo "FAILED: $f"; done
echo "$skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
