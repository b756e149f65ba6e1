#!/bin/bash
# monitor.sh -- the soak benchmark of `vigil monitor` (a benchmark, not a
# test: nothing here fails a build).  A local HTTP server on loopback
# (tests/fixtures/monitor/server.py) serves FEEDS feed files and receives
# the webhook; a writer (tests/fixtures/monitor/feeds.py soak, seeded)
# writes ITEMS items into them: first WINDOW items a feed (each feed shows
# its last WINDOW items, as news feeds do), read by the monitor's first
# cycle, then the rest over MINUTES minutes, with an escalation every 20 s
# or so (a burst of conflict reports between two countries that have a
# quiet baseline), while `vigil monitor --every EVERY --webhook ...` watches.
# Reported: items per second stored, the delay from an item's appearance in
# its feed to its commit (feed_items.first_seen, whole seconds), the delay
# from an escalation's appearance to its alert at the webhook, and the
# monitor's resident memory (VmRSS) after its first cycle, during the run
# and at the end, with a verdict: flat within 10 % or not.
#
#   bench/monitor.sh [--quick] [--db postgresql:///DB]
#   FEEDS=200 ITEMS=100000 MINUTES=10 SEED=1 EVERY=10 WINDOW=50 bench/monitor.sh
#
# --quick: 50 feeds, 5,000 items, 1 minute.  --db postgresql://... runs on
# that database and DROPS Vigil's tables there first; the default is a
# SQLite file in a temporary folder.  KEEP=1 keeps the folder (logs, store).
# Uses build/vigil (or $VIGIL) and python3.
set -u
cd "$(dirname "$0")/.."
VIGIL=${VIGIL:-build/vigil}
PY=$(command -v python3 || true)
if [ -z "$PY" ]; then echo "bench/monitor.sh: skipped: no python3 (the feeds and the server are python)"; exit 0; fi
[ -x "$VIGIL" ] || { echo "bench/monitor.sh: build $VIGIL first (make)"; exit 1; }
FEEDS=${FEEDS:-200} ITEMS=${ITEMS:-100000} MINUTES=${MINUTES:-10} SEED=${SEED:-1} EVERY=${EVERY:-10}
WINDOW=${WINDOW:-50}
DB=""
while [ $# -gt 0 ]; do
    case $1 in
        --quick) FEEDS=50 ITEMS=5000 MINUTES=1 ;;
        --db) DB=$2; shift ;;
        --db=*) DB=${1#--db=} ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/monitor.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
FX=tests/fixtures/monitor
T=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    if [ -n "${KEEP:-}" ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export VIGIL_GAZETTEER=${VIGIL_GAZETTEER:-/nonexistent}   # no place lookups, as in the tests
SECONDS_RUN=$((MINUTES * 60))
KIND=sqlite
if [[ $DB == postgresql://* || $DB == postgres://* ]]; then
    KIND=postgresql
    command -v psql >/dev/null || { echo "bench/monitor.sh: psql is needed for $DB"; exit 1; }
    psql "$DB" -Atqc "DROP TABLE IF EXISTS mentions, events, sentences, articles, meta, feeds,
                      feed_items, alerts, deliveries, monitor_state CASCADE" >/dev/null ||
        { echo "bench/monitor.sh: cannot reach $DB"; exit 1; }
elif [ -z "$DB" ]; then
    DB=$T/soak.db
fi
now() { date +%s.%N; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
count() {  # SQL -> one number from the store
    if [ "$KIND" = postgresql ]; then psql "$DB" -Atqc "$1" 2>/dev/null | head -1
    else "$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1], timeout=30).execute(sys.argv[2]).fetchone()[0])' "$DB" "$1" 2>/dev/null; fi
}

echo "# vigil monitor soak: $FEEDS feeds of $WINDOW items, $ITEMS items over $MINUTES min, seed $SEED, --every $EVERY, $KIND store"
echo "# $(nproc) cores, $(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}"), load $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$T/www/feeds"
"$PY" $FX/server.py "$T/www" "$T/port" --hook-log "$T/hook.jsonl" &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
[ -s "$T/port" ] || { echo "bench/monitor.sh: the server did not start"; exit 1; }
BASE=http://127.0.0.1:$(cat "$T/port")

# the writer: first documents (baselines and a first item a feed), then it
# waits for $T/www/feeds/go
"$PY" $FX/feeds.py soak "$T/www/feeds" "$FEEDS" "$ITEMS" "$SECONDS_RUN" "$SEED" "$T/writer.log" \
    --window "$WINDOW" &
WRITER=$!
PIDS+=($WRITER)
until grep -q '^ready' "$T/writer.log" 2>/dev/null; do
    kill -0 $WRITER 2>/dev/null || { echo "bench/monitor.sh: the writer failed"; exit 1; }
    sleep 0.1
done
INIT=$(awk '/^ready/ { print $3 }' "$T/writer.log")
for i in $(seq 0 $((FEEDS - 1))); do printf '%s/feeds/soak-%03d.xml\n' "$BASE" "$i"; done >"$T/feeds.txt"

"$VIGIL" monitor --db "$DB" --feeds "$T/feeds.txt" --every "$EVERY" --webhook "$BASE/hook" \
    >"$T/stdout" 2>"$T/monitor.log" &
MON=$!
PIDS+=($MON)
# the first cycle: every first item stored
T_START=$(now)
until [ "$(count 'SELECT count(*) FROM feed_items')" = "$INIT" ]; do
    kill -0 $MON 2>/dev/null || { echo "bench/monitor.sh: the monitor stopped:"; tail -3 "$T/monitor.log"; exit 1; }
    sleep 0.5
done
sleep 1
RSS0=$(rss_kb $MON)
printf '# first cycle: %d items in %.1f s; VmRSS %d kB\n' "$INIT" "$(awk -v a="$(now)" -v b="$T_START" 'BEGIN { print a - b }')" "$RSS0"

# the run: the writer goes, memory sampled every 5 s
: >"$T/www/feeds/go"
T_GO=$(now)
: >"$T/rss"
while kill -0 $WRITER 2>/dev/null; do
    echo "$(now) $(rss_kb $MON)" >>"$T/rss"
    sleep 5
done
wait $WRITER
TOTAL=$(awk '/^done/ { print $3 }' "$T/writer.log")
NESC=$(grep -c '^escalation' "$T/writer.log")
# catching up: every item stored and every escalation's alert received (at
# most 2 minutes more)
DEADLINE=$(( $(date +%s) + 120 ))
while :; do
    stored=$(count "SELECT count(*) FROM feed_items")
    got=$(grep -c '"ok": true' "$T/hook.jsonl" 2>/dev/null || true)
    [ "${stored:-0}" -ge "$TOTAL" ] && [ "${got:-0}" -ge "$NESC" ] && break
    [ "$(date +%s)" -ge "$DEADLINE" ] && { echo "# gave up waiting: $stored of $TOTAL items, $got of $NESC alerts"; break; }
    echo "$(now) $(rss_kb $MON)" >>"$T/rss"
    sleep 1
done
T_END=$(now)
sleep 2
RSS1=$(rss_kb $MON)
echo "$(now) $RSS1" >>"$T/rss"
kill -TERM $MON
wait $MON
RC=$?

# the item delays, from the writer's log and the store's first_seen
if [ "$KIND" = postgresql ]; then
    psql "$DB" -AtF' ' -c "SELECT item_key, first_seen, status FROM feed_items" >"$T/seen"
else
    "$PY" -c 'import sqlite3,sys
for r in sqlite3.connect(sys.argv[1]).execute("SELECT item_key, first_seen, status FROM feed_items"): print(*r)' "$DB" >"$T/seen"
fi
ARTICLES=$(count "SELECT count(*) FROM articles")
EVENTS=$(count "SELECT count(*) FROM events")
"$PY" - "$T" "$T_GO" "$T_END" "$RSS0" "$RSS1" "$TOTAL" "$INIT" "$ARTICLES" "$EVENTS" "$RC" <<'PY'
import json, sys
T, t_go, t_end, rss0, rss1, total, init, arts, events, rc = sys.argv[1:]
t_go, t_end, rss0, rss1 = float(t_go), float(t_end), int(rss0), int(rss1)
pub, esc, done_t = {}, {}, None
for line in open(T + "/writer.log"):
    w = line.split()
    if w[0] == "item": pub[w[1]] = float(w[2])
    elif w[0] == "escalation": esc[w[1]] = float(w[2])
    elif w[0] == "done": done_t = float(w[1])
seen = {}
status = {}
for line in open(T + "/seen"):
    k, t, s = line.split()
    seen[k] = int(t)
    status[s] = status.get(s, 0) + 1
run = [k for k, t in pub.items() if t >= t_go]
lag = sorted(seen[k] - pub[k] for k in run if k in seen)
lost = sum(1 for k in run if k not in seen)
last = max((seen[k] for k in run if k in seen), default=t_go)
hooks = [json.loads(l) for l in open(T + "/hook.jsonl")] if __import__("os").path.exists(T + "/hook.jsonl") else []
got = {}
dups = 0
for h in hooks:
    if not h["ok"]: continue
    d = h["body"]["dyad"]
    if d in got: dups += 1
    else: got[d] = h["t"]
delays = sorted(got[d] - esc[d] for d in esc if d in got)
missing = [d for d in esc if d not in got]
extra = [d for d in got if d not in esc]
rss = [(float(a), int(b)) for a, b in (l.split() for l in open(T + "/rss")) if b.isdigit()]
peak = max([r for _, r in rss] + [rss0, rss1])

def q(v, p):
    return v[min(len(v) - 1, int(p * len(v)))] if v else float("nan")

span = last - t_go
wspan = (done_t or t_end) - t_go
print()
print("| measure | value |")
print("|---|---|")
print("| items published (after the first cycle) | %d in %.0f s (%.0f/s offered) |" % (len(run), wspan, len(run) / wspan))
print("| items stored | %d of %d (%s), %d articles, %d events; %d never stored |" % (
    len(seen), int(total), ", ".join("%s %d" % kv for kv in sorted(status.items())), int(arts), int(events), lost))
print("| items per second stored | %.0f (from the writer's start to the last commit, %.0f s) |" % (len(lag) / span if span > 0 else 0, span))
print("| item appearance to commit | median %d s, 95th percentile %d s, max %d s |" % (q(lag, .5), q(lag, .95), lag[-1] if lag else -1))
print("| escalations | %d written, %d alerts received, %d missing, %d other alerts, %d duplicate deliveries |" % (
    len(esc), len(delays), len(missing), len(extra), dups))
print("| escalation appearance to webhook | median %.1f s, 95th percentile %.1f s, max %.1f s |" % (
    q(delays, .5), q(delays, .95), delays[-1] if delays else float("nan")))
print("| VmRSS after the first cycle | %.1f MiB |" % (rss0 / 1024))
def rss_at(frac):   # the sample nearest to that point of the writer's run
    t = t_go + frac * wspan
    return min(rss, key=lambda s: abs(s[0] - t))[1] if rss else 0
print("| VmRSS at 1/4, 1/2, 3/4 of the run | %.1f, %.1f, %.1f MiB |" % tuple(rss_at(f) / 1024 for f in (.25, .5, .75)))
print("| VmRSS at the end | %.1f MiB (peak sampled %.1f MiB) |" % (rss1 / 1024, peak / 1024))
print("| monitor exit status (SIGTERM) | %s |" % rc)
growth = (rss1 - rss0) / rss0 * 100
print()
print("memory: %s (%+.1f%% from the first cycle to the end)" % ("FLAT within 10%" if abs(growth) <= 10 else "NOT flat", growth))
half = rss_at(.5)
if half:
    g2 = (rss1 - half) / half * 100
    print("memory, second half of the run: %s (%+.1f%% from half time to the end)" % (
        "flat within 10%" if abs(g2) <= 10 else "NOT flat", g2))
PY
[ -n "${KEEP:-}" ] && cp "$T/rss" "$T/rss.samples"
exit 0
