#!/bin/bash
# digests.sh -- output is byte-identical to a recorded run.  Each line of
# digests.txt is "NAME SHA256"; this script recomputes every NAME and
# compares.  The coding lines need ../shared (they skip without it); the
# store lines ingest examples/ without the gazetteer, so they always run, and
# so do the server lines (with curl).
#
# Record a new digest only when a change of output is intended and
# explained in its commit: `bash tests/conformance/digests.sh --record`.
source "$(dirname "$0")/../lib.sh"
DIGESTS=$ROOT/tests/conformance/digests.txt
record=0
[ "${1:-}" = --record ] && record=1
N=$SHARED/corpora/news-sentences.jsonl
T=$SHARED/dictionaries/tabari
P=$SHARED/dictionaries/phoenix
TS=$SHARED/suites/tabari
PS=$SHARED/suites/petrarch
# explanations and messages name the dictionary files: print them relative
# to ../shared, so that the digests do not depend on where the checkout is
rel() { sed "s#$SHARED/#SHARED/#g"; }

# one function per digested output: its stdout is what gets hashed
code_defaults()      { "$VIGIL" code -j 1 --date 2015-06-01 "$N" 2>/dev/null | rel; }
code_defaults_err()  { "$VIGIL" code -j 1 --date 2015-06-01 "$N" 2>&1 >/dev/null | rel; }
code_defaults_tsv()  { "$VIGIL" code -j 1 --date 2015-06-01 --output tsv "$N" 2>/dev/null | rel; }
code_defaults_j4()   { "$VIGIL" code -j 4 --date 2015-06-01 "$N" 2>/dev/null | rel; }
code_defaults_dict() { "$VIGIL" code -j 1 --date 2015-06-01 --coder dict "$N" 2>/dev/null | rel; }
code_phoenix()       { "$VIGIL" code -j 1 --date 2015-06-01 --config "$P/PETR_config.vigil.ini" "$N" 2>/dev/null | rel; }
code_phoenix_err()   { "$VIGIL" code -j 1 --date 2015-06-01 --config "$P/PETR_config.vigil.ini" "$N" 2>&1 >/dev/null | rel; }
code_tabari()        { "$VIGIL" code -j 1 --date 2015-06-01 --verbs "$T/CAMEO.091003.master.verbs" \
                           --actors "$T/Phoenix.Countries.tabari.actors" --options "$T/CAMEO.09b5.options" "$N" 2>/dev/null | rel; }
code_tabari_err()    { "$VIGIL" code -j 1 --date 2015-06-01 --verbs "$T/CAMEO.091003.master.verbs" \
                           --actors "$T/Phoenix.Countries.tabari.actors" --options "$T/CAMEO.09b5.options" "$N" 2>&1 >/dev/null | rel; }
validate_tabari()    { "$VIGIL" validate "$TS/Validate.text" --project "$TS/Validate.project" \
                           --events "$TMP/v.jsonl" 2>/dev/null; rel <"$TMP/v.jsonl"; }
validate_petrarch()  { "$VIGIL" validate "$PS/PETR.UnitTest.dev.xml" --config "$PS/PETR_config.validate.ini" \
                           --events "$TMP/p.jsonl" 2>/dev/null; rel <"$TMP/p.jsonl"; }
store_db() {
    [ -f "$TMP/s.db" ] || VIGIL_GAZETTEER=/nonexistent "$VIGIL" ingest --db "$TMP/s.db" \
        "$ROOT/examples" 2>/dev/null
}
store_phoenix()  { store_db; "$VIGIL" export --db "$TMP/s.db" --format phoenix; }
store_icews()    { store_db; "$VIGIL" export --db "$TMP/s.db" --format icews; }
store_csv()      { store_db; "$VIGIL" export --db "$TMP/s.db" --format csv; }
store_gdelt()    { store_db; "$VIGIL" export --db "$TMP/s.db" --format gdelt | cut -f1-59,61; }
store_plover()   { store_db; "$VIGIL" export --db "$TMP/s.db" --format plover | sed 's/"coded_date":"[^"]*",//'; }
store_series()   { store_db; "$VIGIL" series --db "$TMP/s.db" --dyad SRB-KSV --by week
                   "$VIGIL" series --db "$TMP/s.db" --dyad SRB-KSV --by day --format json; }
store_alerts()   { store_db; "$VIGIL" alerts --db "$TMP/s.db"; "$VIGIL" alerts --db "$TMP/s.db" --format json; }
store_report()   { store_db; "$VIGIL" report --db "$TMP/s.db" --dyad SRB-KSV; }

# the server's answers on the fixture store (tests/fixtures/make_fixture_db.sh)
# and on examples/: selective and indexed filters, pages, places, dyads,
# alerts, series, one event with its mentions, errors
SERVE_URLS="/api/meta /api/events /api/events?limit=500 /api/events?dyad=SRB-KSV
  /api/events?dyad=SRB-KSV&limit=7 /api/events?actor=KSV&quad=4 /api/events?place=zvecan
  /api/events?dyad=SRB-USA&limit=3 /api/events?root=19&limit=20 /api/events?code=190
  /api/events?country=KSV&from=2023-09-01&to=2023-10-15 /api/events?ids=1,5,9,12
  /api/events?dyad=SRB-KSV&quad=3&from=2023-06-01 /api/places /api/places?dyad=SRB-KSV
  /api/places?quad=4&limit=5 /api/dyads /api/dyads?from=2023-09-01&to=2023-10-31&limit=5
  /api/alerts /api/alerts?dyad=SRB-KSV /api/alerts?since=2023-09-01&limit=2
  /api/series?dyad=SRB-KSV&by=week /api/series?dyad=SRB-KSV&by=day&from=2023-09-20&to=2023-10-05
  /api/series?dyad=KSV-SRB&by=month /api/events/1 /api/events/3 /api/events/999999
  /api/nothing /api/events?bogus=1 /api/events?limit=0"
serve_digest() {  # DB
    command -v curl >/dev/null || { echo "no curl"; return; }
    mkdir -p "$TMP/assets"      # the same answer wherever the binary is (meta says assets)
    "$VIGIL" serve --db "$1" --port 0 --cache-ttl 0 --assets "$TMP/assets" 2>"$TMP/serve.log" &
    local pid=$! port= i u next
    for i in $(seq 1 150); do
        port=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\)/.*|\1|p' "$TMP/serve.log")
        [ -n "$port" ] && break
        sleep 0.1
    done
    for u in $SERVE_URLS; do
        echo "$u"
        curl -s -w '\n%{http_code}\n' "http://127.0.0.1:$port$u"
    done
    # follow the cursor of a selective filter through its pages
    u="/api/events?dyad=SRB-KSV&limit=9"
    for i in 1 2 3; do
        curl -s "http://127.0.0.1:$port$u" >"$TMP/page"
        cat "$TMP/page"
        next=$(sed -n 's/.*"next":"\([^"]*\)".*/\1/p' "$TMP/page")
        [ -n "$next" ] || break
        u="/api/events?dyad=SRB-KSV&limit=9&cursor=$next"
    done
    kill $pid; wait $pid 2>/dev/null
}
serve_fixture()  { [ -f "$TMP/f.db" ] || "$ROOT/tests/fixtures/make_fixture_db.sh" "$TMP/f.db" >/dev/null 2>&1
                   serve_digest "$TMP/f.db"; }
serve_examples() { store_db; serve_digest "$TMP/s.db"; }

NAMES="code_defaults code_defaults_err code_defaults_tsv code_defaults_j4 code_defaults_dict
       code_phoenix code_phoenix_err
       code_tabari code_tabari_err validate_tabari validate_petrarch
       store_phoenix store_icews store_csv store_gdelt store_plover store_series store_alerts store_report
       serve_fixture serve_examples"
needs_shared() { case "$1" in code_*|validate_*) return 0 ;; esac; return 1; }
needs_curl() { case "$1" in serve_*) ! command -v curl >/dev/null ;; *) return 1 ;; esac; }

if [ $record = 1 ]; then
    have_shared || { echo "digests.sh: ../shared is needed to record" >&2; exit 1; }
    for n in $NAMES; do echo "$n $($n | sha256sum | cut -d' ' -f1)"; done >"$DIGESTS"
    cat "$DIGESTS"
    exit 0
fi
for n in $NAMES; do
    want=$(awk -v n="$n" '$1 == n {print $2}' "$DIGESTS")
    if needs_shared "$n" && ! have_shared; then skip "digest_$n" "../shared absent"; continue; fi
    if needs_curl "$n"; then skip "digest_$n" "no curl"; continue; fi
    got=$($n | sha256sum | cut -d' ' -f1)
    if [ "$got" = "$want" ]; then ok "digest_$n"; else fail "digest_$n" "got $got, want $want"; fi
done
