#!/bin/bash
# killpoints.sh -- `vigil ingest` into SQLite killed with SIGKILL at 20
# random points, each followed by a check of the store (integrity_check,
# whole batches, exact counts), a rerun, and a comparison with a clean run
# (dbtool.py's canonical dump, and the CSV export).
#
# The points are calls that put data on disk (writes and fsyncs on the
# store's files, counted in a clean run by the tests/fault/fault.c shim,
# which raises SIGKILL just before the chosen one): the files only change
# at those calls, so these are all the states a crash can leave, and a
# point replays exactly.  The seed is printed; VIGIL_KILL_SEED=N replays a
# run, VIGIL_KILL_POINTS=N changes the count.  crash.sh kills a larger
# ingest once by time.  Prints TAP lines.
set -u
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
FX=tests/fixtures/store
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export VIGIL_GAZETTEER=/nonexistent
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
BATCH=4
POINTS=${VIGIL_KILL_POINTS:-20}
SEED=${VIGIL_KILL_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
ING=("$VIGIL" ingest --verbs "$FX/mini.verbs" --actors "$FX/mini.actors" --date 2023-10-05
     --batch $BATCH)
. tests/fault/shim.sh
py() { "$PY" "$FX/dbtool.py" "$@"; }
is() {
    if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1"; echo "# got '$2', want '$3'"; fi
}
if ! build_shim "$T"; then
    echo "ok killpoints # SKIP cannot build the LD_PRELOAD shim: $(head -1 "$T/shim.log")"
    exit 0
fi

py gen "$FX/articles.jsonl" "$T/in.jsonl" 40      # 280 articles (and 40 bad records): 70 batches
FAULT_PATH=$T/clean.db FAULT_TIMES=0 FAULT_LOG=$T/calls with_shim \
    "${ING[@]}" --db "$T/clean.db" "$T/in.jsonl" 2>"$T/err"
is killpoints_clean_run "$? $(py q "$T/clean.db" "SELECT count(*) FROM articles")" "1 280"
"$VIGIL" export --db "$T/clean.db" --format csv >"$T/clean.csv"
read -r _ CALLS _ W _ S _ <"$T/calls"
echo "# seed $SEED (replay: VIGIL_KILL_SEED=$SEED); a clean ingest makes $W writes and $S fsyncs"
"$PY" -c 'import random, sys
r = random.Random(int(sys.argv[1]))
print("\n".join(str(k) for k in sorted(r.sample(range(int(sys.argv[2])), int(sys.argv[3])))))' \
    "$SEED" "$CALLS" "$POINTS" >"$T/points"

i=0
while read -r k; do
    i=$((i + 1))
    name=$(printf 'killpoints_%02d' $i)
    db=$T/k$i.db
    { ( FAULT_PATH=$db FAULT_ACTION=kill FAULT_AFTER=$k FAULT_TIMES=1 exec env \
            LD_PRELOAD="$(shim_preload "$VIGIL")" "${ING[@]}" --db "$db" "$T/in.jsonl" ) \
          2>"$T/err"; } 2>/dev/null       # (bash's "Killed" line)
    rc=$?
    state=$(py intact "$db" $BATCH)
    echo "# $name: killed before call $k of $CALLS: exit $rc, store $state"
    is "${name}_killed" "$rc $(cut -d' ' -f1 <<<"$state")" "137 ok"
    "${ING[@]}" --db "$db" "$T/in.jsonl" 2>"$T/err"
    rc=$?
    got=$(py same "$db" "$T/clean.db")
    "$VIGIL" export --db "$db" --format csv >"$T/x.csv" 2>>"$T/err"
    cmp -s "$T/x.csv" "$T/clean.csv" || got="$got, export differs"
    grep -Eq 'Sanitizer|runtime error:' "$T/err" && got="$got, sanitizer report"
    is "${name}_rerun_equals_clean" "$rc $got" "1 same"
done <"$T/points"
is killpoints_count "$i" "$POINTS"
