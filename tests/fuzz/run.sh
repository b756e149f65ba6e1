#!/bin/bash
# run.sh -- runs libFuzzer targets built by `make fuzz` (build-fuzz/fuzz/)
# for SECONDS each, FUZZ_JOBS (default 2) at a time, and fails if any finds
# a crash, a leak, a timeout (an input slower than FUZZ_TIMEOUT seconds: a
# hang is a finding) or an out-of-memory (FUZZ_RSS_MB).  libFuzzer's
# random choices are seeded with FUZZ_SEED (default 1), so a run can be
# repeated; a failing input up to 4 KiB is also printed in base64, so a
# finding on a machine that is gone (CI) can still be replayed.
#
#   tests/fuzz/run.sh SECONDS TARGET...
#
# Seeds: tests/fuzz/corpus/TARGET/ (written by hand), tests/fuzz/regressions/
# TARGET/ (inputs that once failed), and slices of ../shared, tests/fixtures
# and dict/ cut here at run time (never copied into the repository).  The
# growing corpus is kept in build-fuzz/corpus/TARGET/; findings go to
# build-fuzz/artifacts/TARGET/, logs to build-fuzz/logs/.  docs/fuzzing.md
# says how to turn a finding into a regression test.
set -u
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:?usage: tests/fuzz/run.sh SECONDS TARGET...}
shift
OUT=${FUZZ_DIR:-build-fuzz}
JOBS=${FUZZ_JOBS:-2}
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS=${FUZZ_RSS_MB:-2048}
SEED=${FUZZ_SEED:-1}
SHARED=${VIGIL_SHARED:-../shared}
export VIGIL_SHARED=$SHARED
[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ] &&
    export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-14/bin/llvm-symbolizer}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
GEN=$OUT/seeds
mkdir -p "$OUT/logs" "$GEN"

# ---- seeds cut at run time ----

slice() {  # DIR NAME FILE [OFFSET] [BYTES]: a window of FILE as a seed
    [ -f "$3" ] || return 0
    mkdir -p "$1"
    tail -c +$((${4:-0} + 1)) "$3" | head -c "${5:-4096}" >"$1/$2"
}
prefixed() {  # DIR NAME BYTES FILE [OFFSET] [LEN]: BYTES (printf format), then a slice
    [ -f "$4" ] || return 0
    mkdir -p "$1"
    { printf "$3"; tail -c +$((${5:-0} + 1)) "$4" | head -c "${6:-2048}"; } >"$1/$2"
}
lines() {  # DIR NAME FILE FIRST COUNT: lines FIRST.. of FILE
    [ -f "$3" ] || return 0
    mkdir -p "$1"
    sed -n "$4,$(($4 + $5 - 1))p" "$3" >"$1/$2"
}
texts() {  # FILE FIRST COUNT: the "text" fields of JSONL lines, one per line
    [ -f "$1" ] || return 0
    sed -n "$2,$(($2 + $3 - 1))p" "$1" | sed -n 's/.*"text": *"\([^"]*\)".*/\1/p'
}

make_seeds() {
    local t=$1 d=$GEN/$1 F=tests/fixtures S=$SHARED TD=$SHARED/dictionaries/tabari
    local PD=$SHARED/dictionaries/phoenix NEWS=$SHARED/corpora/news-sentences.jsonl
    rm -rf "$d"
    mkdir -p "$d"
    case $t in
    reader_jsonl) lines "$d" news "$NEWS" 1 20; slice "$d" articles $F/articles.jsonl ;;
    reader_tabari) slice "$d" records $F/records.tabari; slice "$d" validate $F/validate.text
                   slice "$d" suite "$S/suites/tabari/Validate.text" 20000 ;;
    reader_petrarch) slice "$d" unit "$S/suites/petrarch/PETR.UnitTest.dev.xml" 0 6000
                     slice "$d" giga "$S/suites/petrarch/GigaWord.sample.PETR.xml" 0 6000 ;;
    reader_text) slice "$d" seed "$S/seed/kosovo-nato-2023.txt" ;;
    code_*) slice "$d" seed "$S/seed/kosovo-nato-2023.txt" 0 3000
            texts "$NEWS" 100 8 >"$d/news" ;;
    dict_tabari_actors) slice "$d" mini $F/mini.actors; slice "$d" broken $F/broken.actors
                        slice "$d" country "$TD/CountryInfo.120116.actors" 100000
                        slice "$d" levant "$TD/Levant.080629.actors" 30000 ;;
    dict_tabari_agents) slice "$d" mini $F/mini.agents; slice "$d" psu "$TD/PSU.120522.agents" 2000 ;;
    dict_tabari_verbs) slice "$d" mini $F/mini.verbs; slice "$d" cameo "$TD/CAMEO.091003.master.verbs" 0 6000
                       slice "$d" cameo2 "$TD/CAMEO.091003.master.verbs" 330000 6000 ;;
    dict_tabari_options) slice "$d" mini $F/mini.options; slice "$d" cameo "$TD/CAMEO.09b5.options" ;;
    dict_petrarch_actors) slice "$d" countries dict/actors-countries.txt 0 3000
                          slice "$d" people dict/actors-people-europe.txt 0 3000
                          slice "$d" phoenix "$PD/Phoenix.Countries.actors.txt" 50000 ;;
    dict_petrarch_agents) slice "$d" agents dict/agents.txt 0 3000; slice "$d" phoenix "$PD/Phoenix.agents.txt" ;;
    dict_petrarch_verbs) slice "$d" synsets dict/verbs-00-synsets.txt 0 3000
                         slice "$d" assault dict/verbs-18-assault.txt 0 3000
                         slice "$d" cameo "$PD/CAMEO.2.0.txt" 200000 ;;
    dict_petrarch_discards) slice "$d" discards dict/discards.txt; slice "$d" phoenix "$PD/Phoenix.discards.txt" ;;
    dict_petrarch_issues) slice "$d" issues dict/issues.txt; slice "$d" phoenix "$PD/Phoenix.IssueCoding.txt" ;;
    verbs_match) prefixed "$d" assault '\x00' dict/verbs-18-assault.txt 0 3000
                 prefixed "$d" consult '\x00' dict/verbs-04-consult.txt 0 3000
                 prefixed "$d" mini '\x01' $F/mini.verbs
                 prefixed "$d" cameo '\x01' "$TD/CAMEO.091003.master.verbs" 0 4000 ;;
    dates) texts "$NEWS" 200 10 | while IFS= read -r s; do
               printf '\x7b\x08\x1c\x10%s' "$s" >"$d/n$((i = ${i:-0} + 1))"; done ;;
    places) texts "$S/corpora/geo-gold.dev.jsonl" 1 10 | while IFS= read -r s; do
                printf '\x05\x10%s' "$s" >"$d/g$((i = ${i:-0} + 1))"; done ;;
    gazetteer) if [ -x "$OUT/fuzz-replay/gaz-seed" ] && "$OUT/fuzz-replay/gaz-seed" "$d/valid"; then
                   head -c 100 "$d/valid" >"$d/truncated"
               fi ;;
    model) head -c 2048 data/model.bin >"$d/default-head" ;;   # tiny models: tests/fuzz/corpus/model
    esac
}

max_len() {
    case $1 in
    record_date) echo 64 ;;
    dates|places) echo 2048 ;;
    code_*) echo 8192 ;;
    gazetteer) echo 16384 ;;
    *) echo 16384 ;;
    esac
}

# ---- one target ----

run_one() {  # TARGET: prints one result line; returns libFuzzer's status
    local t=$1 bin=$OUT/fuzz/$1 log=$OUT/logs/$1.log rc
    if [ "$t" = code_phoenix ] && [ ! -f "$SHARED/dictionaries/phoenix/PETR_config.vigil.ini" ]; then
        echo "SKIP $t: ../shared absent"
        return 0
    fi
    [ -x "$bin" ] || { echo "FAIL $t: $bin not built (make fuzz builds it)"; return 1; }
    make_seeds "$t"
    mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t"
    local seeds=("$GEN/$t")
    [ -d "tests/fuzz/corpus/$t" ] && seeds+=("tests/fuzz/corpus/$t")
    [ -d "tests/fuzz/regressions/$t" ] && seeds+=("tests/fuzz/regressions/$t")
    "$bin" -seed="$SEED" -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb="$RSS" \
        -max_len="$(max_len "$t")" -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t/" \
        "$OUT/corpus/$t" "${seeds[@]}" >"$log" 2>&1
    rc=$?
    local runs cov
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        echo "ok   $t: ${runs:-?} runs, ${cov:-cov: ?}, corpus $(ls "$OUT/corpus/$t" | wc -l)"
    else
        local art
        art=$(ls -t "$OUT/artifacts/$t" | head -1 | sed "s|^|$OUT/artifacts/$t/|")
        echo "FAIL $t (exit $rc, FUZZ_SEED=$SEED): $art"
        grep -E 'ERROR|SUMMARY|runtime error|check failed|Timeout|out-of-memory|leak' "$log" | head -8 | sed 's/^/     /'
        if [ -f "$art" ] && [ "$(stat -c %s "$art")" -le 4096 ]; then
            echo "     input (base64 -d > FILE to replay):"
            base64 -w 76 "$art" | sed 's/^/       /'
        fi
        echo "     log: $log"
    fi
    return $rc
}

# ---- all of them, JOBS at a time ----

start=$(date +%s)
for t in "$@"; do
    rm -f "$OUT/logs/$t.rc"
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    ( run_one "$t"; echo $? >"$OUT/logs/$t.rc" ) &
done
wait
fails=0
for t in "$@"; do
    [ "$(cat "$OUT/logs/$t.rc" 2>/dev/null)" = 0 ] || fails=$((fails + 1))
done
echo "fuzz: $# targets, ${SECONDS_EACH}s each, $JOBS at a time: $(( $(date +%s) - start ))s, $fails failed"
[ $fails -eq 0 ]
