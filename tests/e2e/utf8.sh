#!/bin/bash
# utf8.sh -- every line Vigil writes is valid UTF-8 and valid JSON.
# news-sentences.jsonl is coded with the three dictionary sets of
# bench/bench.py (defaults; the Phoenix set; TABARI's CAMEO verbs with the
# Phoenix countries, whose verbs and options files are not UTF-8), and
# every output line is checked with a strict UTF-8 decode and Python's
# json parser.  A dictionary written in Latin-1 is repaired on load
# (reported once per file, with the count) and still codes; a record id or
# file name that is not UTF-8 still gives valid JSON.
source "$(dirname "$0")/../lib.sh"

strict_json() {  # FILE MIN-LINES: every line strict UTF-8 and a JSON object
    python3 - "$1" "$2" <<'PY'
import json, sys
n = 0
with open(sys.argv[1], "rb") as f:
    for i, raw in enumerate(f, 1):
        try:
            obj = json.loads(raw.decode("utf-8", "strict"), strict=True)
            assert isinstance(obj, dict)
        except Exception as e:
            print("# line %d: %s" % (i, e))
            sys.exit(1)
        n += 1
if n < int(sys.argv[2]):
    print("# only %d lines" % n)
    sys.exit(1)
PY
}

# ---- the three dictionary sets on the news corpus ----
NEWS=$SHARED/corpora/news-sentences.jsonl
T=$SHARED/dictionaries/tabari
if [ ! -f "$NEWS" ]; then
    for s in defaults phoenix tabari; do skip "utf8_json_$s" "../shared absent"; done
else
    for s in defaults phoenix tabari; do
        case $s in
        defaults) args=(); min=4000 ;;
        phoenix) args=(--config "$SHARED/dictionaries/phoenix/PETR_config.vigil.ini"); min=4000 ;;
        tabari) args=(--verbs "$T/CAMEO.091003.master.verbs" --actors "$T/Phoenix.Countries.tabari.actors"
                      --options "$T/CAMEO.09b5.options"); min=1200 ;;
        esac
        if ! "$VIGIL" code "${args[@]}" --date 2015-06-01 "$NEWS" >"$TMP/$s.jsonl" 2>"$TMP/$s.err"; then
            fail "utf8_json_$s" "vigil code failed: $(tail -1 "$TMP/$s.err")"
        elif out=$(strict_json "$TMP/$s.jsonl" $min); then ok "utf8_json_$s"
        else fail "utf8_json_$s" "$out"; fi
    done
    # the TABARI files' stray bytes are reported once per file, with the count
    n=$(grep -c 'invalid UTF-8 in this file' "$TMP/tabari.err")
    if [ "$n" = 2 ] && grep -q 'CAMEO.091003.master.verbs:7995: 1 byte of invalid UTF-8' "$TMP/tabari.err" &&
       grep -q 'CAMEO.09b5.options:84: 2 bytes of invalid UTF-8' "$TMP/tabari.err"; then
        ok utf8_repair_reported_once_per_file
    else fail utf8_repair_reported_once_per_file "$(grep -i utf-8 "$TMP/tabari.err" | head -5)"; fi
    # the repaired pattern reads as Latin-1 in the explanation
    if grep -q 'WERE\\u00c2\|WEREÂ' "$TMP/tabari.jsonl"; then ok utf8_repaired_pattern_text
    else fail utf8_repaired_pattern_text; fi
fi

# ---- a dictionary written in Latin-1 ----
printf 'M\xdcLLER_ [DEU]\nSERBIA_ [SRB]\nCAF\xc9_DE_PARIS_ [FRA]\n' >"$TMP/latin1.actors.txt"
printf -- '--- ATTACK [190] ---\nATTACK\n' >"$TMP/verbs.txt"
printf '{"id":"l1","date":"2023-09-29","text":"M\\u00fcller attacked Serbia on Sunday near the border with Kosovo."}\n' >"$TMP/l1.jsonl"
"$VIGIL" code --actors "$TMP/latin1.actors.txt" --verbs "$TMP/verbs.txt" "$TMP/l1.jsonl" \
    >"$TMP/l1.out" 2>"$TMP/l1.err"
if grep -q '"source":"DEU","target":"SRB","code":"190"' "$TMP/l1.out" &&
   [ "$(grep -c 'latin1.actors.txt:1: 2 bytes of invalid UTF-8' "$TMP/l1.err")" = 1 ]; then
    ok utf8_latin1_dictionary_codes
else fail utf8_latin1_dictionary_codes "$(cat "$TMP/l1.out" "$TMP/l1.err" | head -5)"; fi
if "$VIGIL" dict lookup "Café de Paris" --actors "$TMP/latin1.actors.txt" --json 2>/dev/null >"$TMP/lk.json" &&
   strict_json "$TMP/lk.json" 1 >/dev/null && grep -q 'CAFÉ\|CAF\\u00c9\|Café\|CAF\\u00e9' "$TMP/lk.json"; then
    ok utf8_latin1_lookup_json
else fail utf8_latin1_lookup_json "$(head -c 300 "$TMP/lk.json")"; fi

# ---- ids and file names that are not UTF-8 ----
printf '230929 bad\xff\xfeid\nSerbia attacked M\xc3\xbcller on Sunday near the border in the north.\n\n' >"$TMP/r.tabari"
"$VIGIL" code --actors "$TMP/latin1.actors.txt" --verbs "$TMP/verbs.txt" --format tabari \
    "$TMP/r.tabari" >"$TMP/r.out" 2>/dev/null
if [ -s "$TMP/r.out" ] && strict_json "$TMP/r.out" 1 >/dev/null; then ok utf8_tabari_id_json
else fail utf8_tabari_id_json "$(head -c 300 "$TMP/r.out")"; fi
name=$(printf "$TMP/caf\xe9.txt")
printf 'Serbia attacked M\xc3\xbcller on Sunday near the border in the north.\n' >"$name"
"$VIGIL" code --actors "$TMP/latin1.actors.txt" --verbs "$TMP/verbs.txt" --format text \
    --date 2023-09-29 "$name" >"$TMP/n.out" 2>/dev/null
if [ -s "$TMP/n.out" ] && strict_json "$TMP/n.out" 1 >/dev/null; then ok utf8_file_name_json
else fail utf8_file_name_json "$(head -c 300 "$TMP/n.out")"; fi
