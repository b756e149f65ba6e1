#!/bin/bash
# monitor.sh -- `vigil monitor` against a local HTTP server started here
# (tests/fixtures/monitor/server.py, on loopback), on SQLite and on
# PostgreSQL ($VIGIL_PG_URL; that part skips when no server answers, and
# DROPS Vigil's tables there first).
#
# The server serves feeds written here from the example corpus, a
# malformed feed, an entity bomb, a feed without dates, (on SQLite) a feed
# of 10,000 items, a slow URL, a 404 and a redirect loop, and receives the
# webhook, failing its first two deliveries.  Checked: the store fills and
# each bad feed is logged as what it is; an item added to a feed is stored
# within 5 s; a feed served again (and a story under a second link) adds
# nothing; no item is dated today; the escalation, written into the feeds
# only then, reaches the webhook once, with its events, after two failed
# attempts, and standard output; SIGTERM stops it cleanly; after SIGKILL in
# the middle of an ingest, a restart stores the same mentions as a run that
# was never killed, and delivers nothing twice.  Every wait is a poll with a
# generous deadline.
source "$(dirname "$0")/../lib.sh"
PY=$(command -v /usr/bin/python3 || command -v python3)
if [ -z "$PY" ]; then skip monitor "no python3"; exit 0; fi
FX=$ROOT/tests/fixtures/monitor
EX=$ROOT/examples
PIDS=()
cleanup() {
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    [ -n "${MONITOR_KEEP:-}" ] && echo "# kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT
export VIGIL_GAZETTEER=/nonexistent      # the actors' countries: quick, and the same everywhere

now_ms() { date +%s%3N; }
wait_for() {  # SECONDS COMMAND...: polls the command until it succeeds or time is up
    local end=$(( $(now_ms) + $1 * 1000 )); shift
    until "$@" >/dev/null 2>&1; do
        [ "$(now_ms)" -ge "$end" ] && return 1
        sleep 0.1
    done
}

# q SQL: one query on the backend under test, values separated by |
q() {
    if [ "$KIND" = postgresql ]; then psql "$DB" -Atqc "$1" 2>/dev/null
    else "$PY" - "$DB" "$1" <<'PYQ'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30)
for r in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in r))
PYQ
    fi
}
count() { q "$1" | head -1; }
has_article() { [ "$(count "SELECT count(*) FROM articles WHERE id = '$1'")" = 1 ]; }
articles_are() { [ "$(count "SELECT count(*) FROM articles")" = "$1" ]; }
log_has() { grep -q -- "$1" "$LOG"; }
log_count_at_least() { [ "$(grep -c -- "$1" "$LOG")" -ge "$2" ]; }
articles_over() { [ "$(count "SELECT count(*) FROM articles")" -gt "$1" ]; }
hook_ok() { [ -s "$HOOKS" ] && grep -q '"ok": true' "$HOOKS"; }
# the mentions of the articles whose id has this prefix, without event ids
mentions_of() {
    q "SELECT m.article_id, m.sentence_no, m.event_no, m.source, m.target, m.code, m.date,
              m.date_precision FROM mentions m WHERE m.article_id LIKE '$1%'
       ORDER BY 1, 2, 3" | sort
}

start_monitor() {  # starts vigil monitor in the background -> $MON
    "$VIGIL" monitor --db "$DB" --feeds "$W/feeds.txt" --every 1 --timeout 3 --retry-base 1 \
        --max-backoff 4 -j 2 --webhook "$BASE/hook" "$@" >>"$W/stdout" 2>>"$LOG" &
    MON=$!
    PIDS+=($MON)
}

REF=""          # the mentions of extra.xml from a monitor that was never killed

T0=$(now_ms)
phase() { [ -n "${MONITOR_TIMES:-}" ] && echo "# $(( $(now_ms) - T0 )) ms: $1"; true; }

run_backend() {  # KIND DB
    KIND=$1 DB=$2
    local b=$KIND
    W=$TMP/$b
    mkdir -p "$W/www/feeds"
    LOG=$W/monitor.log HOOKS=$W/www/hook.jsonl
    : >"$LOG"
    "$PY" "$FX/server.py" "$W/www" "$W/port" --hook-fail 2 --slow 20 &
    PIDS+=($!)
    if ! wait_for 30 test -s "$W/port"; then fail "monitor_server_$b" "the test server did not start"; return; fi
    BASE=http://127.0.0.1:$(cat "$W/port")
    local F=$W/www/feeds
    # before the escalation: the year's reports up to 20 September
    "$PY" "$FX/feeds.py" rss "$F/wire.xml" "Example Wire" "$EX/border-crisis-2023.jsonl" --before 2023-09-20
    "$PY" "$FX/feeds.py" rss "$F/daily.xml" "Example Daily" "$EX/border-crisis-2023-wires.jsonl" --before 2023-09-20 --atom
    printf '%s\n' '{"id": "undated-1", "date": "2023-09-01", "title": "Undated", "text": "Serbia accused Kosovo of provocations."}' \
                  '{"id": "undated-2", "date": "2023-09-02", "title": "Also undated", "text": "Kosovo rejected the accusation."}' >"$W/undated.jsonl"
    "$PY" "$FX/feeds.py" rss "$F/undated.xml" "No Dates" "$W/undated.jsonl" --undated --base https://example.org/undated
    "$PY" "$FX/feeds.py" malformed "$F/malformed.xml"
    "$PY" "$FX/feeds.py" bomb "$F/bomb.xml"
    local big=0
    if [ "$KIND" = sqlite ]; then
        "$PY" "$FX/feeds.py" big "$F/big.xml" 10000
        big=10000
    fi
    {
        echo "# the monitor's test feeds"
        for f in wire daily undated malformed bomb; do echo "$BASE/feeds/$f.xml"; done
        [ "$big" -gt 0 ] && echo "$BASE/feeds/big.xml   # 10,000 items"
        echo "$BASE/missing"
        echo "$BASE/loop"
        echo "$BASE/slow"
        echo "gopher://example.org/feed"
    } >"$W/feeds.txt"
    local expect
    expect=$(( $(grep -c '<item>' "$F/wire.xml") + $(grep -c '<entry>' "$F/daily.xml") + 2 + big ))
    # (2: the malformed feed's complete items)
    phase "start_monitor"
    start_monitor --port 0 --exec "cat >>'$W/exec.jsonl'"
    if wait_for 180 articles_are "$expect"; then ok "monitor_fills_store_$b"
    else fail "monitor_fills_store_$b" "$(count 'SELECT count(*) FROM articles') articles, want $expect; $(tail -3 "$LOG")"; fi
    wait_for 30 log_has "/slow: error: timed out"
    # (a transfer may time out while a large feed is being coded: the lines
    # of what each URL really is come at the latest on the next tries)
    local bad=
    wait_for 20 log_has "/missing: HTTP 404: the server answered 404; failure [0-9]*, next try in" || bad="$bad 404"
    wait_for 20 log_has "/loop: error: more than 5 redirects" || bad="$bad loop"
    log_has "/slow: error: timed out" || bad="$bad slow"
    log_has "bomb.xml: not a feed: the document declares XML entities" || bad="$bad bomb"
    log_has "malformed.xml: .*malformed at line" || bad="$bad malformed"
    log_has "gopher://example.org/feed" || bad="$bad scheme"
    wait_for 20 log_has "/missing: HTTP 404: .*failure 2" || bad="$bad backoff"
    [ -z "$bad" ] && ok "monitor_bad_feeds_logged_$b" || fail "monitor_bad_feeds_logged_$b" "not logged:$bad"
    [ "$big" -gt 0 ] && { has_article https://example.org/big/big-09999 && ok monitor_10000_items ||
                          fail monitor_10000_items; }
    # no undated item is stored (nor dated today); each is logged and recorded
    local today; today=$(date -u +%F)
    if log_has "undated-1: no date, skipped" &&
       [ "$(count "SELECT count(*) FROM articles WHERE id LIKE '%undated%' OR date = '$today'")" = 0 ] &&
       [ "$(count "SELECT count(*) FROM feed_items WHERE status = 'undated' AND item_key LIKE '%/undated/%'")" = 2 ]; then
        ok "monitor_undated_skipped_$b"
    else fail "monitor_undated_skipped_$b" "$(grep -c undated "$LOG") log lines"; fi
    # the dashboard it serves
    local dash
    dash=$(sed -n 's|.*dashboard on \(http://[^ ]*\)/ .*|\1|p' "$LOG" | head -1)
    if [ -n "$dash" ] && curl -s "$dash/api/meta" | grep -q '"events":[1-9]' &&
       curl -s "$dash/api/dyads?limit=100" | grep -q '"dyad":"KSV-SRB"'; then ok "monitor_dashboard_$b"
    else fail "monitor_dashboard_$b" "${dash:-no address logged}"; fi
    if [ "$(count 'SELECT count(*) FROM alerts')" = 0 ] && [ ! -s "$W/stdout" ]; then
        ok "monitor_no_alert_before_escalation_$b"
    else fail "monitor_no_alert_before_escalation_$b"; fi

    phase "# a new item is stored within 5 s"
    # a new item is stored within 5 s of its appearance
    printf '%s\n' '{"id": "late-1", "date": "2023-09-18", "title": "Arrests at the border", "text": "Kosovo police arrested two Serbian men near the border crossing."}' >"$W/late.jsonl"
    "$PY" "$FX/feeds.py" rss "$F/wire.xml" "Example Wire" "$EX/border-crisis-2023.jsonl" "$W/late.jsonl" --before 2023-09-20
    local t0 t1
    t0=$(now_ms)
    wait_for 30 has_article https://example.org/news/late-1
    t1=$(now_ms)
    if has_article https://example.org/news/late-1 && [ $((t1 - t0)) -le 5000 ]; then
        ok "monitor_new_item_within_5s_$b # $((t1 - t0)) ms"
    else fail "monitor_new_item_within_5s_$b" "$((t1 - t0)) ms"; fi
    expect=$((expect + 1))

    phase "# repeats add nothing"
    # repeats add nothing: the same feed served again (a new ETag), and a
    # story already stored under a second link
    local fetched
    fetched=$(grep -c "/feeds/wire.xml: " "$LOG")
    sed -n '2p' "$EX/border-crisis-2023.jsonl" | sed 's/"id": "example-02"/"id": "example-02-again"/' >"$W/again.jsonl"
    "$PY" "$FX/feeds.py" rss "$F/wire.xml" "Example Wire" "$EX/border-crisis-2023.jsonl" "$W/late.jsonl" "$W/again.jsonl" --before 2023-09-20
    wait_for 30 log_count_at_least "/feeds/wire.xml: " $((fetched + 2))
    if log_count_at_least "/feeds/wire.xml: " $((fetched + 2)) && articles_are "$expect" &&
       ! has_article https://example.org/news/example-02-again; then
        ok "monitor_repeats_add_nothing_$b"
    else fail "monitor_repeats_add_nothing_$b" "$(count 'SELECT count(*) FROM articles') articles, want $expect"; fi

    phase "# the escalation, written"
    # the escalation, written into the feeds now: one alert, delivered once
    # to the webhook (after its two failures) and to standard output
    "$PY" "$FX/feeds.py" rss "$F/wire.xml" "Example Wire" "$EX/border-crisis-2023.jsonl" "$W/late.jsonl" "$W/again.jsonl"
    "$PY" "$FX/feeds.py" rss "$F/daily.xml" "Example Daily" "$EX/border-crisis-2023-wires.jsonl" --atom
    wait_for 90 hook_ok
    "$PY" - "$HOOKS" "$W/stdout" >"$W/hookcheck" 2>&1 <<'PYH'
import json, sys
hooks = [json.loads(l) for l in open(sys.argv[1])]
ok = [h for h in hooks if h["ok"]]
assert ok, "no delivery succeeded"
keys = [h["key"] for h in ok]
assert len(keys) == len(set(keys)), "a key delivered twice: %s" % keys
h = [x for x in ok if x["body"]["dyad"] == "KSV-SRB"]
assert len(h) == 1, "KSV-SRB delivered %d times" % len(h)
b = h[0]["body"]
assert h[0]["key"] == b["key"], "the Idempotency-Key is not the alert's key"
assert h[0]["type"] == "application/json"
assert b["start"] >= "2023-09-20", b["start"]
ev = b["driver_events"]
assert len(ev) >= 3 and all(e["report"]["sentence"] for e in ev), "events without their reports"
assert all(e["source"][:3] in ("SRB", "KSV") and e["target"][:3] in ("SRB", "KSV") for e in ev)
fails = [x for x in hooks if not x["ok"]]
assert len(fails) == 2 and all(x["key"] == b["key"] for x in fails), "the first two attempts"
out = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
assert [o["key"] for o in out] == [b["key"]], "standard output: %s" % [o["key"] for o in out]
print(b["key"], len(ev), "events")
PYH
    if [ $? = 0 ]; then ok "monitor_escalation_delivered_once_$b # $(cat "$W/hookcheck")"
    else fail "monitor_escalation_delivered_once_$b" "$(tail -1 "$W/hookcheck")"; fi
    wait_for 20 test -s "$W/exec.jsonl"
    if [ "$(count "SELECT count(*) FROM deliveries WHERE status = 'done' AND (target = 'stdout' OR target LIKE 'exec:%' OR (target LIKE 'http%' AND attempts = 3))")" = 3 ] &&
       [ "$("$PY" -c 'import json,sys; print(" ".join(json.loads(l)["key"] for l in open(sys.argv[1])))' "$W/exec.jsonl")" = "$(head -1 "$W/hookcheck" | cut -d' ' -f1)" ]; then
        ok "monitor_delivery_log_$b"
    else fail "monitor_delivery_log_$b" "$(q 'SELECT target, status, attempts, last_error FROM deliveries')"; fi

    phase "# SIGTERM: a clean stop"
    # SIGTERM: a clean stop
    kill -TERM "$MON"
    wait "$MON"
    local rc=$?
    if [ "$rc" = 0 ] && log_has "vigil monitor: stopped: "; then ok "monitor_sigterm_$b"
    else fail "monitor_sigterm_$b" "exit $rc"; fi

    phase "# SIGKILL in the middle"
    # SIGKILL in the middle of an ingest (after its first commit of 20
    # items, before its last), then a restart
    local n_extra=500
    "$PY" "$FX/feeds.py" big "$F/extra.xml" $n_extra 11 extra
    echo "$BASE/feeds/extra.xml" >>"$W/feeds.txt"
    local before
    before=$(count 'SELECT count(*) FROM articles')
    start_monitor --batch 20
    wait_for 60 articles_over "$before"
    kill -KILL "$MON"
    wait "$MON" 2>/dev/null
    local mid
    mid=$(count "SELECT count(*) FROM articles WHERE id LIKE 'https://example.org/extra/%'")
    start_monitor
    wait_for 120 articles_are $((before + n_extra))
    wait_for 30 log_has "extra.xml: not modified"
    kill -TERM "$MON"
    wait "$MON"
    if articles_are $((before + n_extra)) &&
       [ "$(count "SELECT count(*) FROM feed_items WHERE item_key LIKE 'https://example.org/extra/%' AND status = 'stored'")" = $n_extra ]; then
        ok "monitor_restart_loses_nothing_$b # killed at $mid of $n_extra"
    else fail "monitor_restart_loses_nothing_$b" "$(count 'SELECT count(*) FROM articles') articles, want $((before + n_extra))"; fi
    mentions_of https://example.org/extra/ >"$W/extra.mentions"
    phase "if [ -z "$REF" ]; then"
    if [ -z "$REF" ]; then      # the reference: the same feed, never killed
        REF=$TMP/ref.mentions
        local keep_db=$DB keep_kind=$KIND keep_log=$LOG
        DB=$TMP/ref.db KIND=sqlite LOG=$TMP/ref.log
        echo "$BASE/feeds/extra.xml" >"$TMP/ref.feeds"
        "$VIGIL" monitor --db "$DB" --feeds "$TMP/ref.feeds" --every 1 --no-stdout -j 2 2>"$LOG" &
        local ref=$!
        PIDS+=($ref)
        wait_for 120 articles_are $n_extra
        kill -TERM $ref
        wait $ref
        mentions_of https://example.org/extra/ >"$REF"
        DB=$keep_db KIND=$keep_kind LOG=$keep_log
    fi
    if [ -s "$REF" ] && cmp -s "$REF" "$W/extra.mentions"; then
        ok "monitor_restart_same_store_$b # $(wc -l <"$REF") mentions"
    else fail "monitor_restart_same_store_$b" "$(diff "$REF" "$W/extra.mentions" | head -3)"; fi
    if "$PY" - "$HOOKS" <<'PYK'
import json, sys
ok = [json.loads(l)["key"] for l in open(sys.argv[1]) if '"ok": true' in l]
sys.exit(0 if ok and len(ok) == len(set(ok)) else 1)
PYK
    then ok "monitor_restart_no_duplicate_delivery_$b"
    else fail "monitor_restart_no_duplicate_delivery_$b"; fi
    phase "# every dyad named"
    # --fetch-articles: the feed gives titles, the pages the text
    if [ "$KIND" = sqlite ]; then
        mkdir -p "$W/www/pages"
        grep -E '"id": "example-(08|09|10)"' "$EX/border-crisis-2023.jsonl" >"$W/paged.jsonl"
        "$PY" "$FX/feeds.py" pages "$W/www/pages" "$W/paged.jsonl"
        "$PY" "$FX/feeds.py" rss "$F/paged.xml" "Paged" "$W/paged.jsonl" --pages --base "$BASE/pages"
        echo "$BASE/feeds/paged.xml" >"$W/paged.feeds"
        local keep_db=$DB keep_log=$LOG
        DB=$W/paged.db LOG=$W/paged.log
        "$VIGIL" monitor --db "$DB" --feeds "$W/paged.feeds" --every 1 --fetch-articles --no-stdout 2>"$LOG" &
        local pm=$!
        PIDS+=($pm)
        wait_for 60 articles_are 3
        kill -TERM $pm
        wait $pm
        local texts
        texts=$(q "SELECT text FROM sentences ORDER BY article_id, sentence_no")
        if articles_are 3 && grep -q "injuring about 30 soldiers" <<<"$texts" &&
           ! grep -q "Markets rally\|Reader:\|Copyright" <<<"$texts" && log_has "3 pages read"; then
            ok monitor_fetch_articles
        else fail monitor_fetch_articles "$(tail -2 "$LOG")"; fi
        DB=$keep_db LOG=$keep_log
    fi
    # every dyad named in the alerts is one the other commands take
    local dy
    dy=$("$VIGIL" alerts --db "$DB" --format json | "$PY" -c 'import json,sys; print(" ".join(a["dyad"] for a in json.load(sys.stdin)))')
    bad=
    for d in $dy; do "$VIGIL" series --db "$DB" --dyad "$d" >/dev/null 2>&1 || bad="$bad $d"; done
    [ -n "$dy" ] && [ -z "$bad" ] && ok "monitor_alert_dyads_real_$b # $dy" ||
        fail "monitor_alert_dyads_real_$b" "rejected:$bad"
}

run_backend sqlite "$TMP/monitor.db"

URL=${VIGIL_PG_URL:-postgresql:///vigil_test}
if ! command -v psql >/dev/null || ! psql "$URL" -Atqc "SELECT 1" >/dev/null 2>&1; then
    skip monitor_postgresql "no PostgreSQL server at $URL"
    exit 0
fi
psql "$URL" -Atqc "DROP TABLE IF EXISTS mentions, events, sentences, articles, meta, feeds,
                   feed_items, alerts, deliveries, monitor_state CASCADE" >/dev/null 2>&1
run_backend postgresql "$URL"
