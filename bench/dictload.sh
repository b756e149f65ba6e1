#!/bin/bash
# dictload.sh -- how long opening a dictionary set takes, in fresh
# processes: Vigil's defaults, the Phoenix set and TABARI's CAMEO verbs
# with the Phoenix countries, each from its compiled image (the built-in
# one, or the image cache) and parsed (the defaults from dict/ with
# $VIGIL_DICT_DIR; the others with --no-dict-cache).  Prints the median
# wall and CPU milliseconds of RUNS runs (default 21) of bench/dictload.c
# and the minor page faults.  A benchmark, not a test; needs ../shared for
# the two sets from it (or $VIGIL_SHARED).
#
#   bench/dictload.sh          RUNS=N bench/dictload.sh
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-21}
SHARED=${VIGIL_SHARED:-../shared}
B=${BUILD:-build}
[ -f "$B/libvigil.a" ] || { echo "bench/dictload.sh: build $B/libvigil.a first (make)" >&2; exit 1; }
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc -o "$B/dictload" bench/dictload.c "$B/libvigil.a" \
    $(pkg-config --libs libutf8proc sqlite3 libxml-2.0 libmicrohttpd libpq jansson libcrypto libzstd) -lm -lpthread
export VIGIL_CACHE_DIR=${VIGIL_CACHE_DIR:-$(mktemp -d)}
med() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
run() {  # LABEL ARGS...
    local label=$1 w=() c=() f=()
    shift
    "$B/dictload" "$@" >/dev/null          # warms the page cache, and the image cache
    for ((i = 0; i < RUNS; i++)); do
        read -r _ wall _ cpu _ flt _ <<<"$("$B/dictload" "$@")"
        w+=("$wall"); c+=("$cpu"); f+=("$flt")
    done
    printf '%-44s %9.2f %9.2f %9s\n' "$label" "$(printf '%s\n' "${w[@]}" | med)" \
        "$(printf '%s\n' "${c[@]}" | med)" "$(printf '%s\n' "${f[@]}" | med)"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); medians of $RUNS fresh processes"
printf '%-44s %9s %9s %9s\n' "" "wall ms" "CPU ms" "minflt"
run "defaults, built-in image"
VIGIL_DICT_DIR=dict run "defaults, parsed (VIGIL_DICT_DIR=dict)"
P=$SHARED/dictionaries/phoenix/PETR_config.vigil.ini
T=$SHARED/dictionaries/tabari
if [ -f "$P" ]; then
    run "Phoenix set, image" --config "$P"
    run "Phoenix set, parsed" --no-dict-cache --config "$P"
    TD=(--verbs "$T/CAMEO.091003.master.verbs" --actors "$T/Phoenix.Countries.tabari.actors"
        --options "$T/CAMEO.09b5.options")
    run "TABARI verbs + Phoenix countries, image" "${TD[@]}"
    run "TABARI verbs + Phoenix countries, parsed" --no-dict-cache "${TD[@]}"
else
    echo "(the Phoenix and TABARI sets skipped: $SHARED not found)"
fi
