#!/bin/bash
# digests.sh -- output is byte-identical to a recorded run.  Each line of
# digests.txt is "NAME SHA256"; this script recomputes every NAME and
# compares.  The coding lines need ../shared (they skip without it); the
# store lines ingest examples/ without the gazetteer, so they always run.
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

NAMES="code_defaults code_defaults_err code_defaults_tsv code_defaults_j4 code_phoenix code_phoenix_err
       code_tabari code_tabari_err validate_tabari validate_petrarch
       store_phoenix store_icews store_csv store_gdelt store_plover store_series store_alerts store_report"
needs_shared() { case "$1" in code_*|validate_*) return 0 ;; esac; return 1; }

if [ $record = 1 ]; then
    have_shared || { echo "digests.sh: ../shared is needed to record" >&2; exit 1; }
    for n in $NAMES; do echo "$n $($n | sha256sum | cut -d' ' -f1)"; done >"$DIGESTS"
    cat "$DIGESTS"
    exit 0
fi
for n in $NAMES; do
    want=$(awk -v n="$n" '$1 == n {print $2}' "$DIGESTS")
    if needs_shared "$n" && ! have_shared; then skip "digest_$n" "../shared absent"; continue; fi
    got=$($n | sha256sum | cut -d' ' -f1)
    if [ "$got" = "$want" ]; then ok "digest_$n"; else fail "digest_$n" "got $got, want $want"; fi
done
