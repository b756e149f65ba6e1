#!/bin/bash
# threads.sh -- the threaded paths under ThreadSanitizer (`make tsan` builds
# build-tsan/vigil and build-tsan/libvigil.a): coding on 4 threads gives
# what 1 thread gives, an ingest on 4 threads stores what 1 thread stores,
# the public API shares dictionaries between threads, and the server
# answers concurrent requests (its connection pool and cache) while another
# process commits to its store.  A race report fails the test.  TAP lines.
source "$(dirname "$0")/lib.sh"
TSAN=${VIGIL_TSAN:-$ROOT/build-tsan/vigil}
if [ ! -x "$TSAN" ]; then skip threads "no $TSAN (make tsan)"; exit 0; fi
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
export VIGIL_GAZETTEER=/nonexistent
raced() { grep -q 'ThreadSanitizer' "$@"; }

# coding: -j 4 = -j 1 (2,000 wire sentences, or the examples without ../shared)
if [ -f "$SHARED/corpora/news-sentences.jsonl" ]; then
    head -n 2000 "$SHARED/corpora/news-sentences.jsonl" >"$TMP/in.jsonl"
else
    cat "$ROOT"/examples/*.jsonl >"$TMP/in.jsonl"
fi
"$TSAN" code -j 1 --date 2015-06-01 "$TMP/in.jsonl" >"$TMP/j1" 2>"$TMP/j1.err"
"$TSAN" code -j 4 --date 2015-06-01 "$TMP/in.jsonl" >"$TMP/j4" 2>"$TMP/j4.err"
rc=$?
if [ $rc -ne 66 ] && ! raced "$TMP/j4.err" && [ -s "$TMP/j1" ] && cmp -s "$TMP/j1" "$TMP/j4"; then
    ok threads_code_j4
else
    fail threads_code_j4 "exit $rc; $(grep -m1 -A3 ThreadSanitizer "$TMP/j4.err")"
fi

# ingest: workers code while the calling thread stores
"$TSAN" ingest -j 1 --db "$TMP/j1.db" "$ROOT/examples" 2>/dev/null
"$TSAN" ingest -j 4 --db "$TMP/j4.db" "$ROOT/examples" 2>"$TMP/ingest.err"
rc=$?
"$TSAN" export --db "$TMP/j1.db" --format csv >"$TMP/e1" 2>/dev/null
"$TSAN" export --db "$TMP/j4.db" --format csv >"$TMP/e4" 2>/dev/null
if [ $rc -eq 0 ] && ! raced "$TMP/ingest.err" && [ -s "$TMP/e1" ] && cmp -s "$TMP/e1" "$TMP/e4"; then
    ok threads_ingest_j4
else
    fail threads_ingest_j4 "exit $rc; $(grep -m1 -A3 ThreadSanitizer "$TMP/ingest.err")"
fi

# the public API from four threads (tests/api/threads.c on build-tsan/libvigil.a)
LIB=$(dirname "$TSAN")/libvigil.a
PKGS="libutf8proc sqlite3 libxml-2.0 libmicrohttpd libpq jansson libcrypto libzstd"
if [ -f "$LIB" ] && command -v cc >/dev/null &&
   cc -std=c11 -g -fsanitize=thread -I"$ROOT/include" -o "$TMP/api-threads" \
       "$ROOT/tests/api/threads.c" "$LIB" $(pkg-config --libs $PKGS) -lm -lpthread \
       2>"$TMP/cc.log"; then
    out=$("$TMP/api-threads" 2>"$TMP/api.err")
    if [ "$out" = ok ] && ! raced "$TMP/api.err"; then ok threads_api
    else fail threads_api "$out $(grep -m1 -A3 ThreadSanitizer "$TMP/api.err")"; fi
else
    fail threads_api "cannot build: $(head -3 "$TMP/cc.log" 2>/dev/null)"
fi

# the server: 4 threads, 8 clients, the cache on, a commit in the middle
if ! command -v curl >/dev/null; then skip threads_serve "no curl"; exit 0; fi
"$TSAN" serve --db "$TMP/j4.db" --port 0 --threads 4 --cache-ttl 60 --assets "$TMP" \
    2>"$TMP/serve.log" &
pid=$!
port=
for i in $(seq 1 300); do
    port=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\)/.*|\1|p' "$TMP/serve.log")
    [ -n "$port" ] && break
    sleep 0.1
done
client() {
    local u
    for i in $(seq 1 4); do
        for u in /api/meta "/api/events?dyad=SRB-KSV&limit=5" /api/dyads /api/alerts \
                 "/api/series?dyad=SRB-KSV&by=day" /api/places "/api/events/$i"; do
            curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port$u"
        done
    done
}
for c in 1 2 3 4 5 6 7 8; do client >"$TMP/client.$c" & done
sleep 1
"$TSAN" ingest --db "$TMP/j4.db" "$SHARED/seed/kosovo-nato-2023.txt" --date 2023-09-29 \
    2>/dev/null || "$TSAN" ingest --db "$TMP/j4.db" --date 2023-12-31 "$ROOT/README.md" 2>/dev/null
wait $(jobs -p | grep -v "^$pid\$") 2>/dev/null
kill -TERM $pid
wait $pid
rc=$?
codes=$(cat "$TMP"/client.* | sort | uniq -c | tr -s ' \n' ' ')
if [ -n "$port" ] && [ $rc -eq 0 ] && ! raced "$TMP/serve.log" && [ "$codes" = " 224 200 " ]; then
    ok threads_serve_concurrent
else
    fail threads_serve_concurrent "exit $rc, answers:$codes; $(grep -m1 -A5 ThreadSanitizer "$TMP/serve.log")"
fi
