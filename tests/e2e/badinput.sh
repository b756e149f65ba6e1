#!/bin/bash
# Bad input never crashes or hangs: binary junk, malformed UTF-8, a 10 MB
# sentence, truncated records and XML, broken dictionary lines.  Each gets
# a clear message and the rest of the batch is still coded.
source "$(dirname "$0")/../lib.sh"
F=$ROOT/tests/fixtures
D="--project $F/mini.project"
T() { timeout 60 "$@"; }
sanitizer() { grep -Eq 'Sanitizer|runtime error:' "$1"; }

# 200 KB of random bytes, seeded (replay: VIGIL_JUNK_SEED=N)
JUNK_SEED=${VIGIL_JUNK_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "# junk seed $JUNK_SEED"
python3 -c 'import random, sys
sys.stdout.buffer.write(random.Random(int(sys.argv[1])).randbytes(200000))' "$JUNK_SEED" >"$TMP/junk.bin"
# no crash: exit 0 or 1 (records rejected) with the closing summary line, no sanitizer report
survived() {  # NAME RC
    if [ "$2" -le 1 ] && grep -q '^vigil code: [0-9]* records' "$TMP/e" && ! sanitizer "$TMP/e"; then
        ok "$1"
    else
        fail "$1" "rc=$2: $(tail -2 "$TMP/e" | tr '\n' ' ')"
    fi
}
T "$VIGIL" code $D --format text --date 2023-09-29 "$TMP/junk.bin" >/dev/null 2>"$TMP/e"
survived junk_text_no_crash $?
T "$VIGIL" code $D --format jsonl "$TMP/junk.bin" >/dev/null 2>"$TMP/e"
survived junk_jsonl_no_crash $?
T "$VIGIL" code $D --format tabari "$TMP/junk.bin" >/dev/null 2>"$TMP/e"
survived junk_tabari_no_crash $?
T "$VIGIL" code $D --format petrarch "$TMP/junk.bin" >/dev/null 2>"$TMP/e"
survived junk_xml_no_crash $?

# malformed UTF-8 inside a good record: replaced, reported, still coded
printf '{"id":"u","date":"2023-09-29","text":"Serbian troops \xff\xfe attacked Kosovo police near the border."}\n' >"$TMP/u.jsonl"
T "$VIGIL" code $D "$TMP/u.jsonl" >"$TMP/o" 2>"$TMP/e"
grep -q '"code":"190"' "$TMP/o" && grep -q 'record u: 2 invalid UTF-8' "$TMP/e" && ok bad_utf8_replaced || fail bad_utf8_replaced

# a 10 MB sentence, then a good record: linear time, a warning, the batch goes on
python3 -c "
import json
print(json.dumps({'id':'huge','date':'2023-09-29','text':'Serbian troops attacked ' + 'very ' * 2000000 + 'Kosovo.'}))
print(json.dumps({'id':'after','date':'2023-09-29','text':'Serbian troops attacked Kosovo police near the border.'}))
" >"$TMP/huge.jsonl"
start=$(date +%s)
T "$VIGIL" code $D "$TMP/huge.jsonl" >"$TMP/o" 2>"$TMP/e"; rc=$?
secs=$(( $(date +%s) - start ))
[ $rc -eq 0 ] && grep -q '"record":"after"' "$TMP/o" && ok huge_sentence_batch_goes_on || fail huge_sentence_batch_goes_on "rc=$rc"
grep -q 'record huge: sentence 0 is longer than' "$TMP/e" && ok huge_sentence_warning || fail huge_sentence_warning
[ $rc -eq 0 ] && grep -q '"record":"after"' "$TMP/o" && [ $secs -lt 20 ] && ok huge_sentence_fast ||
    fail huge_sentence_fast "rc=$rc, $secs s"

# a truncated TABARI file: the complete records are coded
printf '230929 T-1\nSerbian troops attacked Kosovo police near the border today.\n\n230930 T-2\nSerbian tro' >"$TMP/t.tabari"
T "$VIGIL" code $D --format tabari "$TMP/t.tabari" 2>/dev/null | grep -q '"record":"T-1"' && ok truncated_tabari || fail truncated_tabari

# truncated and malformed PETRARCH XML
cat >"$TMP/p.xml" <<'XML'
<Sentences>
<Sentence date="20230929" id="P-1"><Text>Serbian troops attacked Kosovo police near the border.</Text></Sentence>
<Sentence date="20230929" id="P-2"/><Text>Serbian troops attacked Kosovo police again.</Text></Sentence>
<Sentence date="20230929" id="P-3"><Text>Serbian troops atta
XML
T "$VIGIL" code $D --format petrarch "$TMP/p.xml" >"$TMP/o" 2>"$TMP/e"
grep -q '"record":"P-1"' "$TMP/o" && grep -q '"record":"P-2"' "$TMP/o" && ok xml_records_before_fault || fail xml_records_before_fault
grep -q 'record P-3: malformed or truncated, skipped' "$TMP/e" && ok xml_truncation_reported || fail xml_truncation_reported
# an external entity is not expanded: the record is coded without it
printf '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Sentence date="20230929" id="E"><Text>&e; Serbian troops attacked Kosovo police near the border.</Text></Sentence>' >"$TMP/xxe.xml"
T "$VIGIL" code $D --format petrarch "$TMP/xxe.xml" >"$TMP/o" 2>"$TMP/e"; rc=$?
if [ $rc -eq 0 ] && ! sanitizer "$TMP/e" && grep -q '"record":"E".*"code":"190"' "$TMP/o" &&
   ! grep -q 'root:' "$TMP/o"; then
    ok xml_no_entity_expansion
else
    fail xml_no_entity_expansion "rc=$rc: $(head -c 300 "$TMP/o")"
fi

# broken dictionary lines: file:line, the other entries still load
printf 'SERBIA_ [SRB]\nKOSOVO_ [KSV\n[X]\nPOLICE_ [~COP]\n  [SRB 2023]\n' >"$TMP/broken.actors"
printf 'ATTACK_ [190]\n- * [\n- NO STAR [100]\n' >"$TMP/broken.verbs"
echo "Serbia attacked Kosovo police near the border on Sunday." >"$TMP/s.txt"
T "$VIGIL" code --actors "$TMP/broken.actors" --verbs "$TMP/broken.verbs" --format text --date 2023-09-29 "$TMP/s.txt" >"$TMP/o" 2>"$TMP/e"
grep -q 'broken.actors:2: missing bracket' "$TMP/e" && grep -q 'broken.verbs:3: missing verb marker' "$TMP/e" \
    && ok broken_dictionary_lines_reported || fail broken_dictionary_lines_reported
grep -q '"source":"SRB"' "$TMP/o" && ok broken_dictionary_still_codes || fail broken_dictionary_still_codes

# broken discard and issue lines: file:line, the rest still applies
printf '<ISSUE CATEGORY="">\nwar n:crime\nborder [BORDER\nn:border [BORDER]\n</ISSUE>\n' >"$TMP/broken.issues"
printf 'GOLF_\n+\n' >"$TMP/broken.discards"
T "$VIGIL" code --actors "$TMP/broken.actors" --verbs "$TMP/broken.verbs" --issues "$TMP/broken.issues" \
    --discards "$TMP/broken.discards" --format text --date 2023-09-29 "$TMP/s.txt" >"$TMP/o" 2>"$TMP/e"
grep -q 'broken.issues:2: issue has no code' "$TMP/e" && grep -q 'broken.issues:3: missing ]' "$TMP/e" &&
    grep -q 'broken.discards:2:' "$TMP/e" && ok broken_issue_discard_lines_reported ||
    fail broken_issue_discard_lines_reported "$(cat "$TMP/e")"
grep -q '"issues":\[{"code":"BORDER","count":1}\]' "$TMP/o" && ok broken_issues_still_apply ||
    fail broken_issues_still_apply "$(head -c 300 "$TMP/o")"
