#!/bin/bash
# pgrestart.sh -- the PostgreSQL server restarted in the middle of a
# `vigil ingest`: once while the ingest is stopped just before a message to
# the server (SIGSTOP from the tests/fault/fault.c shim, at the same point
# every run), once while a batch's transaction waits for the ingest lock.
# Each time the ingest must exit 2 with the reason, the store must hold
# whole batches with exact counts, and a rerun must give the exports of a
# clean SQLite run (which postgres.sh shows are PostgreSQL's too).
#
# It restarts a whole cluster, so it runs only when told which one:
# VIGIL_PG_RESTART="15 main" (.ci/run sets it), as root with pg_ctlcluster,
# and only if that cluster is the server at $VIGIL_PG_URL (default
# postgresql:///vigil_test).  It DROPS Vigil's tables there.  Else it skips.
set -u
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
URL=${VIGIL_PG_URL:-postgresql:///vigil_test}
CLUSTER=${VIGIL_PG_RESTART:-}
FX=tests/fixtures/store
skip() { echo "ok pgrestart # SKIP $1"; exit 0; }
[ -n "$CLUSTER" ] || skip "VIGIL_PG_RESTART is not set (the cluster to restart, e.g. '15 main')"
[ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null || skip "needs root and pg_ctlcluster"
command -v psql >/dev/null || skip "psql not installed"
psql "$URL" -Atqc "SELECT 1" >/dev/null 2>&1 || skip "no PostgreSQL server at $URL"
dir=$(pg_lsclusters -h | awk -v v="${CLUSTER% *}" -v c="${CLUSTER#* }" '$1 == v && $2 == c { print $6 }')
[ -n "$dir" ] && [ "$(psql "$URL" -Atqc "SHOW data_directory" 2>/dev/null)" = "$dir" ] ||
    skip "cluster '$CLUSTER' is not the server at $URL"

T=$(mktemp -d)
HOLDER=
trap '[ -n "$HOLDER" ] && kill $HOLDER 2>/dev/null; rm -rf "$T"' EXIT
export VIGIL_GAZETTEER=/nonexistent
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
BATCH=50
LOCK=5668876001                     # the ingest lock (src/store_pg.c)
ING=("$VIGIL" ingest --verbs "$FX/mini.verbs" --actors "$FX/mini.actors" --date 2023-10-05
     --batch $BATCH --lock-timeout 120)
pq() { psql "$URL" -Atqc "$1" 2>/dev/null; }
is() {
    if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1"; echo "# got '$2', want '$3'"; fi
}
exports() {  # DB PREFIX
    "$VIGIL" export --db "$1" --format csv >"$2.csv"
    "$VIGIL" export --db "$1" --format phoenix >"$2.phoenix"
}
wait_for() {  # SECONDS CONDITION...: polls every 0.05 s
    local end=$((SECONDS + $1))
    shift
    while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.05; done
    return 1
}
stopped() { local st; read -r _ _ st _ <"/proc/$1/stat" 2>/dev/null && [ "$st" = T ]; }
lock_waiter() {
    [ "$(pq "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND \
        query LIKE '%pg_advisory_xact_lock%'")" = 1 ]
}
holder_in() {   # the other session has sent its lock request
    [ "$(pq "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_advisory_lock(%' \
        AND pid != pg_backend_pid()")" = 1 ]
}
server_up() { psql "$URL" -Atqc "SELECT 1" >/dev/null 2>&1; }
. tests/fault/shim.sh
build_shim "$T" || skip "cannot build the LD_PRELOAD shim: $(head -1 "$T/shim.log")"

"$PY" "$FX/dbtool.py" gen "$FX/articles.jsonl" "$T/in.jsonl" 300     # 2,100 articles
"${ING[@]}" --db "$T/clean.db" "$T/in.jsonl" 2>/dev/null
exports "$T/clean.db" "$T/clean"

for when in stopped waiting_for_lock; do
    name=pgrestart_$when
    pq "DROP TABLE IF EXISTS mentions, events, sentences, articles, meta CASCADE"
    # the ingest stops itself (SIGSTOP, from the shim) before its 150th message
    # to the server, about a quarter of the way (a clean run sends ~640)
    ( FAULT_PATH=socket: FAULT_OPS=write FAULT_AFTER=150 FAULT_TIMES=1 FAULT_ACTION=stop \
      exec env LD_PRELOAD="$(shim_preload "$VIGIL")" "${ING[@]}" --db "$URL" "$T/in.jsonl" ) \
        2>"$T/err" &
    ING_PID=$!
    if ! wait_for 60 stopped $ING_PID; then
        echo "not ok ${name}_paused"; kill -9 $ING_PID; wait $ING_PID; continue
    fi
    if [ $when = waiting_for_lock ]; then
        # another session takes the ingest lock (once the batch in progress has
        # committed): the next batch's transaction waits for it
        psql "$URL" -Atqc "SELECT pg_advisory_lock($LOCK); SELECT pg_sleep(300)" >/dev/null 2>&1 &
        HOLDER=$!
        wait_for 20 holder_in
        kill -CONT $ING_PID
        wait_for 60 lock_waiter || echo "# the ingest never waited for the lock"
    fi
    before=$(pq "SELECT count(*) FROM articles")
    echo "# $when: restarting cluster $CLUSTER with $before articles stored"
    pg_ctlcluster ${CLUSTER% *} ${CLUSTER#* } restart -m fast
    kill -CONT $ING_PID 2>/dev/null   # (the lock case may have ended already)
    wait $ING_PID
    rc=$?
    [ -n "$HOLDER" ] && { wait $HOLDER 2>/dev/null; HOLDER=; }
    wait_for 60 server_up || { echo "not ok ${name}_server_back"; break; }
    msg=$(grep -v "bad date\|gazetteer\|more errors" "$T/err" | tail -1)
    echo "# $name: exit $rc: $msg"
    is "${name}_exit" "$rc" 2
    if grep -Eq 'terminating connection|server closed the connection|connection to the server was lost' \
           <<<"$msg" && grep -q 'rerun to complete' <<<"$msg"; then
        echo "ok ${name}_message"
    else
        echo "not ok ${name}_message"; sed 's/^/# /' "$T/err" | tail -4
    fi
    n=$(pq "SELECT count(*) FROM articles")
    is "${name}_whole_batches" "$(( n >= before && n % BATCH == 0 && n < 2100 ))" 1
    wrong=$(pq "SELECT count(*) FROM events e WHERE num_mentions != (SELECT count(*) FROM \
        mentions WHERE event_id = e.id) OR num_articles != (SELECT count(DISTINCT article_id) \
        FROM mentions WHERE event_id = e.id)")
    is "${name}_counts_exact" "$wrong of $(pq "SELECT count(*) > 0 FROM events")" "0 of t"
    "${ING[@]}" --db "$URL" "$T/in.jsonl" 2>"$T/err"
    is "${name}_rerun" "$? $(pq "SELECT count(*) FROM articles")" "1 2100"
    exports "$URL" "$T/pg"
    cmp -s "$T/pg.csv" "$T/clean.csv" && cmp -s "$T/pg.phoenix" "$T/clean.phoenix" &&
        echo "ok ${name}_rerun_equals_clean" || echo "not ok ${name}_rerun_equals_clean"
done
