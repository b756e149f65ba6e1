#!/bin/bash
# End-to-end tests of `vigil code` and `vigil validate` on the fixtures.
source "$(dirname "$0")/../lib.sh"
F=$ROOT/tests/fixtures
D="--project $F/mini.project"

"$VIGIL" code $D "$F/articles.jsonl" >"$TMP/out.jsonl" 2>"$TMP/err"; rc=$?
[ $rc -eq 1 ] && grep -q '^vigil code: [0-9]* records' "$TMP/err" && ok code_exit_status_reports_bad_records ||
    fail code_exit_status_reports_bad_records "rc=$rc"
grep -q 'record a3 (line 3): bad date' "$TMP/err" && ok code_error_names_record || fail code_error_names_record
grep -q 'articles.jsonl:4: bad JSON' "$TMP/err" && ok code_bad_json_line || fail code_bad_json_line
grep -q 'mini.actors:25: missing bracket' "$TMP/err" && ok dict_error_file_line || fail dict_error_file_line
if python3 - "$TMP/out.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
got = {(e["record"], e["source"], e["target"], e["code"]) for e in ev}
want = {("a1", "SRBMIL", "KSVCOP", "195"), ("a1", "SRBGOV", "KSVGOV", "036"),
        ("a1", "KSVGOV", "SRBGOV", "036"), ("a2", "USA", "SRB", "1056"),
        ("a4", "KSVCOP", "SRB", "138")}
assert got == want, got
for e in ev:
    for k in ("record", "sentence", "date", "source", "target", "code", "matched",
              "root", "quad", "goldstein", "plover"):
        assert k in e, k
    assert e["matched"]["verb"]["file"].endswith("mini.verbs")
a1 = [e for e in ev if e["code"] == "195"][0]
assert a1["matched"]["pattern"]["text"] == "* WITH_ ARTILLERY", a1["matched"]
assert a1["source_name"] == "Wire" and a1["date"] == "2023-09-29"
PY
then ok code_jsonl_events; else fail code_jsonl_events; fi

"$VIGIL" code $D --output tsv "$F/articles.jsonl" >"$TMP/out.tsv" 2>/dev/null
head -1 "$TMP/out.tsv" | grep -q '^record	sentence_no	date	source	target	code' && ok tsv_header || fail tsv_header
# no ragged rows (and rows to look at)
[ "$(wc -l <"$TMP/out.tsv")" -gt 1 ] && [ "$(awk -F'\t' '{print NF}' "$TMP/out.tsv" | sort -u | wc -l)" -eq 1 ] &&
    ok tsv_rectangular || fail tsv_rectangular

"$VIGIL" code $D -j 1 "$F/articles.jsonl" >"$TMP/j1" 2>/dev/null; rc1=$?
"$VIGIL" code $D -j 3 "$F/articles.jsonl" >"$TMP/j3" 2>/dev/null; rc3=$?
# the same events (the fixture's five) whatever the threads
[ "$rc1 $rc3 $(wc -l <"$TMP/j1")" = "1 1 5" ] && cmp -s "$TMP/j1" "$TMP/j3" && ok parallel_same_output ||
    fail parallel_same_output "exit $rc1/$rc3, $(wc -l <"$TMP/j1") events"

"$VIGIL" code $D --format tabari "$F/records.tabari" >"$TMP/tab" 2>"$TMP/taberr"
grep -q '"record":"REC-1"' "$TMP/tab" && grep -q 'REC-BAD-DATE' "$TMP/taberr" && ok code_tabari_records || fail code_tabari_records

echo "Serbian troops attacked Kosovo police on the border on Sunday." >"$TMP/a.txt"
"$VIGIL" code $D --format text --date 2023-09-29 "$TMP/a.txt" 2>/dev/null | grep -q '"source":"SRBMIL"' \
    && ok code_text_file || fail code_text_file
printf '{"id":"s","date":"2023-09-29","text":"Serbian troops attacked Kosovo police near the border."}\n' \
    | "$VIGIL" code $D - 2>/dev/null | grep -q '"code":"190"' && ok code_stdin || fail code_stdin

"$VIGIL" validate "$F/validate.text" --project "$F/mini.project" >"$TMP/v" 2>/dev/null \
    && grep -q '3 scored records: 3 passed, 0 failed' "$TMP/v" && ok validate_fixture || fail validate_fixture
printf '230929 X-1\nSerbian troops attacked Kosovo police with artillery on Sunday.\n/* { KSV / SRB / 190 } */\n' >"$TMP/bad.text"
"$VIGIL" validate "$TMP/bad.text" --project "$F/mini.project" >"$TMP/v" 2>/dev/null; rc=$?
[ $rc -eq 1 ] && grep -q '1 scored records: 0 passed, 1 failed' "$TMP/v" && ok validate_failure_exit ||
    fail validate_failure_exit "rc=$rc: $(tail -1 "$TMP/v")"

"$VIGIL" code --bogus 2>/dev/null; [ $? -eq 2 ] && ok usage_error || fail usage_error
"$VIGIL" code $D /no/such/file 2>"$TMP/e"; rc=$?
[ $rc -eq 1 ] && grep -q 'cannot read' "$TMP/e" && grep -q '^vigil code: 0 records' "$TMP/e" &&
    ok missing_input || fail missing_input "rc=$rc"
