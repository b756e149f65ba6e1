#!/bin/bash
# load.sh -- `vigil serve` with its default limits (only --timeout shortened,
# to 2 s) under a bounded attack on loopback (tests/fault/load.py): 1,000
# concurrent connections, a slowloris attack from eight local addresses,
# 2,000 malformed requests, 200 idle connections.  Throughout, a fresh
# client gets its normal answer within 1 s; the server's memory stays
# bounded; idle and slow clients are closed after the timeout; the server
# answers normally before and after, and exits cleanly.  Needs python3.
. "$(dirname "$0")/../lib.sh"
TMPD=$TMP
. "$ROOT/tests/fixtures/serve_lib.sh"
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
command -v "$PY" >/dev/null || { skip load "no python3"; exit 0; }
trap 'stop_server > /dev/null 2>&1; rm -rf "$TMP"' EXIT
make_db || { fail load_fixture "$(cat "$TMP/gen.log")"; exit 0; }
TIMEOUT=2
start_server --timeout $TIMEOUT || { fail load_server_start "$(cat "$TMP/serve.log")"; exit 0; }
SEED=${VIGIL_LOAD_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "# seed $SEED for the random requests (replay: VIGIL_LOAD_SEED=$SEED)"
"$PY" "$ROOT/tests/fault/load.py" "$PORT" "$SERVER_PID" $TIMEOUT "$SEED" >"$TMP/load.out" 2>&1
grep -v '^rss ' "$TMP/load.out"
grep -q '^ok load # SKIP' "$TMP/load.out" && exit 0
# memory: bounded under load (ASan keeps freed memory in quarantine: more room)
read -r _ rss0 rssmax rssend < <(grep '^rss ' "$TMP/load.out")
limit=$((96 * 1024))
ldd "$VIGIL" 2>/dev/null | grep -q libasan && limit=$((512 * 1024))
if [ -n "${rssmax:-}" ] && [ "$rssmax" -gt 0 ] && [ $((rssmax - rss0)) -le $limit ]; then
    ok load_memory_bounded
else
    fail load_memory_bounded "RSS ${rss0:-?} kB -> ${rssmax:-?} kB (limit +$((limit / 1024)) MB)"
fi
kill -0 "$SERVER_PID" 2>/dev/null && ok load_server_up || fail load_server_up
stop_server; s=$?
if [ $s -eq 0 ] && ! grep -Eq 'Sanitizer|runtime error:' "$TMP/serve.log"; then
    ok load_clean_exit
else
    fail load_clean_exit "exit $s: $(tail -3 "$TMP/serve.log")"
fi
