#!/bin/bash
# compare.sh -- Vigil beside TABARI 0.8.4b2, timed in one run on one machine.
#
# An absolute rate only describes the machine it came from; this prints
# ratios measured side by side.  It builds TABARI from ../shared/peers/tabari
# into build/peers/tabari/ (once; rebuilt when the source changes), writes
# news-sentences.jsonl x 6 as TABARI text records (a line "YYMMDD ID", the
# text wrapped at 70 characters, a blank line) and codes that same file with
#
#   TABARI  -aq with TABARI's CAMEO.091003.master.verbs,
#           Phoenix.Countries.tabari.actors and CAMEO.09b5.options
#   vigil code -j 1 --format tabari with the same three files
#
# alternately, RUNS times each, whole process (dictionary loading included).
# It prints the median wall and CPU time of each, the ratio TABARI / Vigil,
# the records each read and the events each found.  In the same rounds it
# times Vigil with the full Phoenix set (--config PETR_config.vigil.ini) and
# with its defaults (both --coder dict and the default when `vigil code`
# has --coder), as sentences per CPU-second and as a ratio to TABARI's
# sentences per CPU-second.  The machine (CPUs, model, load) comes first, so
# a quoted ratio says where it was measured.
#
#   bench/compare.sh            RUNS=5 rounds on the corpus x 6
#   bench/compare.sh --quick    smoke run: 1 round on the corpus x 1
#   RUNS=N COPIES=N bench/compare.sh   other round and copy counts
#   INSTRUCTIONS=1 bench/compare.sh    also count the instructions each
#       coder executes on the same file (valgrind --tool=callgrind, whole
#       process; about 2.5 minutes more at x 6): a count, not a time, so
#       it is the same on every run and machine load, and shows how much of
#       a time ratio is work and how much is waiting on memory
#
# Needs ../shared (or $VIGIL_SHARED; skips with a message when absent), g++
# and ncurses for TABARI, python3; uses build/vigil (or $VIGIL).  A
# benchmark, not a test: timings on a shared machine are noisy, which is why
# the runs alternate and medians are compared.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-5}
COPIES=${COPIES:-6}
case "${1:-}" in
    --quick) RUNS=1 COPIES=1 ;;
    "") ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: bench/compare.sh [--quick]   (RUNS=N COPIES=N)" >&2; exit 2 ;;
esac
case "$RUNS$COPIES" in *[!0-9]*) echo "compare.sh: RUNS and COPIES must be numbers" >&2; exit 2 ;; esac
if [ "$RUNS" -lt 1 ] || [ "$COPIES" -lt 1 ]; then echo "compare.sh: RUNS and COPIES must be at least 1" >&2; exit 2; fi

SHARED=${VIGIL_SHARED:-../shared}
if [ ! -d "$SHARED/peers/tabari" ] || [ ! -f "$SHARED/corpora/news-sentences.jsonl" ]; then
    echo "bench/compare.sh: skipped: $SHARED (TABARI source, corpus, dictionaries) not found; set VIGIL_SHARED"
    exit 0
fi
SHARED=$(cd "$SHARED" && pwd)
VIGIL=${VIGIL:-build/vigil}
case "$VIGIL" in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
[ -x "$VIGIL" ] || { echo "bench/compare.sh: build $VIGIL first (make)" >&2; exit 1; }
CORPUS=$SHARED/corpora/news-sentences.jsonl
TAB=$SHARED/dictionaries/tabari
PHX=$SHARED/dictionaries/phoenix
for f in "$TAB/CAMEO.091003.master.verbs" "$TAB/Phoenix.Countries.tabari.actors" \
         "$TAB/CAMEO.09b5.options" "$PHX/PETR_config.vigil.ini"; do
    [ -f "$f" ] || { echo "bench/compare.sh: skipped: $f not found"; exit 0; }
done

calc() { awk "BEGIN { printf \"%s\", $1 }"; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ---- the machine ----
echo "== machine"
echo "CPUs: $(nproc) online; model: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sort | uniq -c | sed 's/^ *//; s/^\([0-9]*\) /\1 x /' | paste -sd';')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "vigil: ${VIGIL#"$ROOT"/} at $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "?"); $(date -u '+%Y-%m-%d %H:%M UTC')"

# ---- TABARI, built once per source ----
PEER=$ROOT/build/peers/tabari
TABARI=$PEER/TABARI.0.8.4b2
stamp=$(cd "$SHARED/peers/tabari" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ ! -x "$TABARI" ] || [ "$(cat "$PEER/.source-sha256" 2>/dev/null)" != "$stamp" ]; then
    echo "building TABARI from $SHARED/peers/tabari in build/peers/tabari ..."
    rm -rf "$PEER"
    mkdir -p "$PEER"
    cp -R "$SHARED/peers/tabari/." "$PEER/"
    if ! make -C "$PEER" GCC="g++ -O2 -fpermissive -w" >"$PEER/build.log" 2>&1 || [ ! -x "$TABARI" ]; then
        echo "bench/compare.sh: building TABARI failed (needs g++ and ncurses); $PEER/build.log ends:" >&2
        tail -5 "$PEER/build.log" >&2
        exit 1
    fi
    echo "$stamp" >"$PEER/.source-sha256"
fi
echo "TABARI: build/peers/tabari/TABARI.0.8.4b2 (g++ -O2 -fpermissive, $(g++ -dumpfullversion 2>/dev/null || echo g++))"

# ---- input: the same TABARI text records for both ----
# TABARI takes the file names on its command line up to the next '-' and
# keeps them in 256-byte strings, so it runs in the temporary directory on
# short relative names without '-'.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 - "$CORPUS" "$COPIES" >"$T/in.text" <<'PY'
import json, sys, textwrap
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
out = sys.stdout
for c in range(1, int(sys.argv[2]) + 1):
    for r in recs:
        # whole words on each line (no breaks inside words or at hyphens):
        # both coders join a record's lines with a space
        lines = textwrap.wrap(r["text"], 70, break_long_words=False, break_on_hyphens=False)
        if not lines:
            continue
        if max(len(l.encode()) for l in lines) > 250:
            sys.exit("compare.sh: record %s has a word too long for TABARI's 256-byte lines" % r["id"])
        out.write("150601 c%d-%s\n%s\n\n" % (c, r["id"], "\n".join(lines)))
PY
written=$(grep -c '^150601 ' "$T/in.text")
ln -s "$TAB/CAMEO.091003.master.verbs" "$T/tabari.verbs"
ln -s "$TAB/Phoenix.Countries.tabari.actors" "$T/tabari.actors"
ln -s "$TAB/CAMEO.09b5.options" "$T/tabari.options"
write_project() {  # TABARI appends a session line to its project file: a fresh one per run
    printf '%s\n' "Vigil benchmark: TABARI beside vigil code" \
        "<actorsfile> tabari.actors" "<verbsfile> tabari.verbs" "<optionsfile> tabari.options" \
        "<textfile> in.text" "<eventfile> out.evt" "<problemfile> out.prob" "<coder> BENCH" >"$T/X.project"
}

TD="--verbs $TAB/CAMEO.091003.master.verbs --actors $TAB/Phoenix.Countries.tabari.actors --options $TAB/CAMEO.09b5.options"
PD="--config $PHX/PETR_config.vigil.ini"
# name | label | vigil code options
CONFIGS=("vtab|vigil code -j 1, TABARI's dictionaries|$TD"
         "vphx|vigil code -j 1, full Phoenix set|$PD")
if "$VIGIL" code --help 2>&1 | grep -q -- '--coder'; then
    CONFIGS+=("vdefdict|vigil code -j 1, defaults, --coder dict|--coder dict"
              "vdef|vigil code -j 1, defaults, default coder (hybrid)|")
    coder_note="vigil code has --coder: defaults timed with --coder dict and with the default"
else
    CONFIGS+=("vdef|vigil code -j 1, defaults|")
    coder_note="vigil code has no --coder option yet: defaults timed once (dictionary coder)"
fi

declare -A WALL CPU CLOCK
TIMEFORMAT='%3R %3U %3S'
run_tabari() {
    local w u s
    write_project
    rm -f "$T/out.evt" "$T/out.prob"
    # TERM for its curses screen; </dev/null and head stop it if it ever
    # prompts (it loops on a closed stdin and dies writing to a closed pipe)
    { time (cd "$T" && TERM=xterm "$TABARI" -aq X.project -t in.text -o out.evt </dev/null 2>"$T/tab.err" \
        | head -c 1M >"$T/tab.screen"); } 2>"$T/time"
    read -r w u s <"$T/time"
    WALL[tab]+="$w "
    CPU[tab]+="$(calc "$u + $s") "
    if [ "$(stat -c %s "$T/tab.screen")" -ge 1048576 ]; then
        echo "bench/compare.sh: TABARI wrote 1 MB to its screen: it is prompting (a dictionary or input error?)" >&2
        exit 1
    fi
    tr -c '[:print:]' ' ' <"$T/tab.screen" >"$T/tab.screen.txt"
    tab_records=$(sed -n 's/.*<records \([0-9]*\)>.*/\1/p' "$T/X.project" | tail -1)
    tab_coded=$(grep -o 'Records coded: *[0-9]*' "$T/tab.screen.txt" | grep -o '[0-9]*$' || true)
    tab_evcoded=$(grep -o 'Events coded : *[0-9]*' "$T/tab.screen.txt" | grep -o '[0-9]*$' || true)
    # its own clock() around the coding loop, without loading the dictionaries
    CLOCK[tab]+="$(sed -n 's/.*Time (secs) *: *\(\[[0-9]*G\)\{0,1\}\([0-9.]*\).*/\2/p' "$T/tab.screen.txt") "
    tab_events=0
    [ -f "$T/out.evt" ] && tab_events=$(grep -c . "$T/out.evt" || true)
}
run_vigil() {  # NAME OPTIONS...
    local name=$1 w u s
    shift
    { time "$VIGIL" code -j 1 --format tabari "$@" "$T/in.text" >"$T/$name.out" 2>"$T/$name.err"; } 2>"$T/time" || {
        echo "bench/compare.sh: vigil code ($name) failed:" >&2; tail -3 "$T/$name.err" >&2; exit 1; }
    read -r w u s <"$T/time"
    WALL[$name]+="$w "
    CPU[$name]+="$(calc "$u + $s") "
}

echo "input: news-sentences.jsonl x $COPIES as TABARI text records: $written records ($(calc "$(stat -c %s "$T/in.text") / 1e6" | xargs printf '%.1f') MB)"
echo "rounds: $RUNS, each TABARI then vigil with each dictionary set, one after the other; $coder_note"
echo
start=$SECONDS
for ((r = 1; r <= RUNS; r++)); do
    run_tabari
    for c in "${CONFIGS[@]}"; do
        IFS='|' read -r name _ opts <<<"$c"
        # shellcheck disable=SC2086  # the options split into words
        run_vigil "$name" $opts
    done
    printf 'round %d/%d done (%d s)\n' "$r" "$RUNS" $((SECONDS - start))
done
echo

# ---- results ----
summary() { sed -n 's/^vigil code: \([0-9]*\) records, \([0-9]*\) sentences, \([0-9]*\) events.*/\1 \2 \3/p' "$T/$1.err" | tail -1; }
read -r v_rec v_sent v_ev <<<"$(summary vtab)"
tw=$(median <<<"${WALL[tab]}"); tc=$(median <<<"${CPU[tab]}")
vw=$(median <<<"${WALL[vtab]}"); vc=$(median <<<"${CPU[vtab]}")
tab_sent=${tab_records:-0}   # TABARI codes each record as one sentence
echo "== same records, same dictionaries (TABARI's CAMEO verbs, Phoenix countries, CAMEO options), single thread"
echo "records read: written $written; TABARI $tab_sent (its screen: ${tab_coded:-?} coded, ${tab_evcoded:-?} events); vigil $v_rec ($v_sent sentences)"
[ "$tab_sent" = "$written" ] && [ "$v_rec" = "$written" ] && [ "$v_sent" = "$written" ] ||
    echo "WARNING: the coders did not read the same number of records/sentences"
printf '%-44s %8s %8s %12s %8s\n' "" "wall s" "CPU s" "sentences/s" "events"
printf '%-44s %8.3f %8.3f %12.0f %8d\n' "TABARI 0.8.4b2 -O2" "$tw" "$tc" "$(calc "$tab_sent / $tw")" "$tab_events"
printf '%-44s %8.3f %8.3f %12.0f %8d\n' "vigil code -j 1 --format tabari" "$vw" "$vc" "$(calc "$v_sent / $vw")" "$v_ev"
printf 'Vigil is %.1fx TABARI (median wall time TABARI / Vigil; CPU time: %.1fx)\n' \
    "$(calc "$tw / $vw")" "$(calc "$tc / $vc")"
echo "(medians of $RUNS; wall times, TABARI: ${WALL[tab]% }; Vigil: ${WALL[vtab]% })"
tk=$(median <<<"${CLOCK[tab]}")
[ -n "$tk" ] && printf 'TABARI times its own coding loop at %.2f CPU s: %.2f s of its %.2f go to start-up and loading\n' \
    "$tk" "$(calc "$tc - $tk")" "$tc"
# The same records and dictionaries, but two coders: how often they agree.
python3 - "$T/out.evt" "$T/vtab.out" <<'PY'
import collections, json, sys
t, v = collections.defaultdict(list), collections.defaultdict(list)
for l in open(sys.argv[1], encoding="utf-8", errors="replace"):
    f = l.rstrip("\n").split("\t")
    if len(f) >= 4: t[f[-1]].append(tuple(f[1:4]))
for l in open(sys.argv[2], encoding="utf-8", errors="replace"):
    o = json.loads(l)
    v[o["record"]].append((o["source"], o["target"], o["code"]))
t, v = dict(t), dict(v)
ids = set(t) | set(v)
same = sum(sorted(t.get(i, [])) == sorted(v.get(i, [])) for i in ids)
print("events agree (same source, target, code) on %d of %d records where either found one; "
      "only TABARI found events in %d, only Vigil in %d" % (same, len(ids), sum(i not in v for i in t), sum(i not in t for i in v)))
PY
echo
tab_rate=$(calc "$tab_sent / $tc")
echo "== sentences per CPU-second, as a ratio to TABARI's $(printf '%.0f' "$tab_rate") (same records, single thread)"
printf '%-52s %8s %8s %14s %8s %10s\n' "" "wall s" "CPU s" "sentences/CPU-s" "events" "vs TABARI"
printf '%-52s %8.3f %8.3f %14.0f %8d %9.1fx\n' "TABARI 0.8.4b2, its dictionaries" "$tw" "$tc" "$tab_rate" "$tab_events" 1
for c in "${CONFIGS[@]}"; do
    IFS='|' read -r name label _ <<<"$c"
    read -r _ s e <<<"$(summary "$name")"
    w=$(median <<<"${WALL[$name]}"); cp=$(median <<<"${CPU[$name]}")
    printf '%-52s %8.3f %8.3f %14.0f %8d %9.1fx\n' "$label" "$w" "$cp" "$(calc "$s / $cp")" "$e" "$(calc "$s / $cp / $tab_rate")"
done
echo
for c in "${CONFIGS[@]}"; do IFS='|' read -r name _ <<<"$c"; echo "$name: $(grep '^vigil code:' "$T/$name.err" | tail -1)"; done
if [ "${INSTRUCTIONS:-0}" = 1 ]; then
    echo
    if ! command -v valgrind >/dev/null; then
        echo "instructions: skipped (valgrind missing: apt-get install valgrind)"
    else
        refs() { sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$1" | tr -d ,; }
        write_project
        (cd "$T" && TERM=xterm valgrind --tool=callgrind --callgrind-out-file=/dev/null "$TABARI" -aq X.project \
            -t in.text -o out.evt </dev/null 2>"$T/tab.cg" | head -c 1M >/dev/null)
        # shellcheck disable=SC2086
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$VIGIL" code -j 1 --format tabari $TD \
            "$T/in.text" >/dev/null 2>"$T/vtab.cg"
        ti=$(refs "$T/tab.cg"); vi=$(refs "$T/vtab.cg")
        echo "== instructions executed, whole process, same file and dictionaries (callgrind)"
        printf 'TABARI %s, vigil code %s: Vigil executes 1/%.2f of TABARI'"'"'s instructions\n' "$ti" "$vi" "$(calc "$ti / $vi")"
    fi
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); timed part took $((SECONDS - start)) s"
