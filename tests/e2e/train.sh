#!/bin/bash
# train.sh -- `vigil train` as a user with a codebook of their own would use
# it: 300 labelled sentences (generated here from templates, seeded),
# cross-validation, a model file, coding with it, and bad training input.
source "$(dirname "$0")/../lib.sh"
SEED=${TRAIN_SEED:-20231001}
echo "# seed $SEED (rerun with TRAIN_SEED=$SEED)"
python3 - "$TMP" "$SEED" <<'PY'
import json, random, sys
tmp, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
actors = ["Serbia", "Kosovo", "Albania", "Croatia", "Hungary", "Greece", "Turkey", "NATO"]
codebook = [  # (verb phrase, label): a user's own five classes
    ("praised", "friendly"), ("thanked", "friendly"), ("welcomed", "friendly"),
    ("sent aid to", "help"), ("delivered food to", "help"), ("shipped medicine to", "help"),
    ("accused", "hostile"), ("condemned", "hostile"), ("criticised", "hostile"),
    ("shelled", "violent"), ("attacked", "violent"), ("bombed", "violent"),
    ("said it would talk to", "talk"), ("met", "talk"), ("held talks with", "talk")]
when = ["on Monday", "on Friday", "last week", "after the vote", "at the border"]
lab = {"friendly": 1, "help": 2, "hostile": 3, "violent": 4, "talk": 0}
with open(tmp + "/mine.jsonl", "w") as f:
    for i in range(300):
        a, b = rng.sample(actors, 2)
        v, l = rng.choice(codebook)
        f.write(json.dumps({"text": "%s %s %s %s." % (a, v, b, rng.choice(when)),
                            "label": lab[l]}) + "\n")
with open(tmp + "/test.jsonl", "w") as f:
    for i in range(40):
        a, b = rng.sample(actors, 2)
        v, l = rng.choice(codebook)
        f.write(json.dumps({"id": "t%d" % i, "date": "2023-10-01",
                            "text": "%s %s %s %s." % (a, v, b, rng.choice(when))}) + "\n")
PY
[ -s "$TMP/mine.jsonl" ] || { fail train_data "no data generated"; exit 0; }

start=$(date +%s.%N)
"$VIGIL" train --task penta --data "$TMP/mine.jsonl" --cv 3 --out "$TMP/mine.bin" \
    >"$TMP/cv.txt" 2>"$TMP/train.err"
rc=$?
secs=$(echo "$(date +%s.%N) - $start" | awk '{printf "%.2f", $1 - $3}')
echo "# trained and cross-validated 300 sentences in $secs s"
if [ $rc -eq 0 ] && [ -s "$TMP/mine.bin" ]; then ok train_writes_model; else
    fail train_writes_model "$(tail -2 "$TMP/train.err")"; fi
acc=$(sed -n 's/^accuracy \([0-9.]*\),.*/\1/p' "$TMP/cv.txt")
echo "# cross-validated accuracy ${acc:-none}"
if awk -v a="${acc:-0}" 'BEGIN { exit !(a >= 0.9) }'; then ok train_cv_accuracy; else
    fail train_cv_accuracy "$(head -3 "$TMP/cv.txt")"; fi
if grep -q '^confusion' "$TMP/cv.txt" && grep -q 'macro-F1' "$TMP/cv.txt"; then
    ok train_cv_report; else fail train_cv_report; fi

# the same data and seed give the same bytes
"$VIGIL" train --task penta --data "$TMP/mine.jsonl" --out "$TMP/again.bin" 2>/dev/null
check train_deterministic cmp -s "$TMP/mine.bin" "$TMP/again.bin"

# coding with it: every event is decided by the model's heads
"$VIGIL" code --model "$TMP/mine.bin" "$TMP/test.jsonl" >"$TMP/out.jsonl" 2>"$TMP/code.err"
if [ $? -eq 0 ] && [ -s "$TMP/out.jsonl" ]; then ok train_model_codes; else
    fail train_model_codes "$(tail -2 "$TMP/code.err")"; fi
if python3 - "$TMP/out.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert ev and all(e["method"] in ("model", "both") for e in ev)
assert all(0 <= e["confidence"] <= 1 for e in ev)
assert all("model" in e["matched"] for e in ev)
PY
then ok train_model_fields; else fail train_model_fields "$(head -c 300 "$TMP/out.jsonl")"; fi
"$VIGIL" code --coder dict "$TMP/test.jsonl" >"$TMP/dict.jsonl" 2>/dev/null
if [ -s "$TMP/dict.jsonl" ] && ! grep -q '"method":"model"' "$TMP/dict.jsonl" &&
   grep -q '"confidence":null' "$TMP/dict.jsonl"; then ok train_dict_mode; else fail train_dict_mode; fi

# bad input: reported as file:line, the rest is used
{ head -20 "$TMP/mine.jsonl"
  echo '{"text": "Serbia praised Kosovo.", "label": 7}'
  echo '{"text": "", "label": 1}'
  echo '{"text": "Serbia praised Kosovo.", "label": "source"}'
  echo 'this is not json'; } >"$TMP/bad.jsonl"
"$VIGIL" train --task penta --data "$TMP/bad.jsonl" --out "$TMP/bad.bin" 2>"$TMP/bad.err"
rc=$?
if [ $rc -eq 1 ] && [ -s "$TMP/bad.bin" ] && grep -q 'bad.jsonl:21: .*unknown label' "$TMP/bad.err" &&
   grep -q 'bad.jsonl:22: empty' "$TMP/bad.err" && grep -q 'bad.jsonl:23:' "$TMP/bad.err" &&
   grep -q 'bad.jsonl:24: not a JSON object' "$TMP/bad.err" && grep -q '20 examples' "$TMP/bad.err"
then ok train_bad_lines_reported; else fail train_bad_lines_reported "$(cat "$TMP/bad.err")"; fi
tail -4 "$TMP/bad.jsonl" >"$TMP/allbad.jsonl"
"$VIGIL" train --task penta --data "$TMP/allbad.jsonl" --out "$TMP/none.bin" 2>"$TMP/none.err"
if [ $? -eq 2 ] && [ ! -e "$TMP/none.bin" ] && grep -q 'nothing usable' "$TMP/none.err"; then
    ok train_nothing_usable; else fail train_nothing_usable "$(cat "$TMP/none.err")"; fi
"$VIGIL" train --task nonsense --data "$TMP/mine.jsonl" --cv 3 >/dev/null 2>&1
check train_unknown_task test $? -eq 2
printf 'junk' >"$TMP/junk.bin"
"$VIGIL" code --model "$TMP/junk.bin" "$TMP/test.jsonl" >/dev/null 2>"$TMP/junk.err"
if [ $? -eq 2 ] && grep -q 'not a Vigil model file' "$TMP/junk.err"; then ok train_bad_model_refused
else fail train_bad_model_refused "$(cat "$TMP/junk.err")"; fi

# roles from token/tag lines written here
printf 'Serbia B-S\nattacked O\nKosovo B-T\non O\nMonday O\n. O\n\nKosovo B-S\naccused O\nSerbia B-T\n. O\n' \
    >"$TMP/roles.bio"
"$VIGIL" train --task roles --data "$TMP/roles.bio" --base "$TMP/mine.bin" --out "$TMP/both.bin" \
    2>"$TMP/roles.err"
if [ $? -eq 0 ] && grep -q '4 examples' "$TMP/roles.err"; then ok train_roles_bio; else
    fail train_roles_bio "$(cat "$TMP/roles.err")"; fi

# an event whose target no coded phrase names: "---", with matched.target
# {"unknown": true}, valid JSON (the dictionaries propose it, as the PLOVER
# category needs no recipient, and the model keeps it; the model's own
# additions of such events are tested in tests/unit/test_model.c)
echo '{"id":"one","date":"2023-01-01","text":"Iraqi troops launched an offensive on the town on Thursday."}' \
    >"$TMP/one_in.jsonl"
"$VIGIL" code "$TMP/one_in.jsonl" >"$TMP/one.jsonl" 2>"$TMP/one.err"
if [ $? -eq 0 ] && [ -s "$TMP/one.jsonl" ] &&
   jq -e 'select(.source == "IRQMIL" and .target == "---" and (.method == "both" or .method == "model")
                 and .matched.target.unknown == true and .matched.source.text != null)' \
      "$TMP/one.jsonl" >/dev/null
then ok code_one_side_unknown; else fail code_one_side_unknown "$(cat "$TMP/one.jsonl" "$TMP/one.err")"; fi
# --one-sided no: only events with both actors coded, from the model or the
# dictionaries
"$VIGIL" code --one-sided no "$TMP/one_in.jsonl" >"$TMP/one_no.jsonl" 2>"$TMP/one_no.err"
if [ $? -eq 0 ] && grep -q '1 records, 1 sentences, 0 events' "$TMP/one_no.err" && [ ! -s "$TMP/one_no.jsonl" ]
then ok code_one_sided_no; else fail code_one_sided_no "$(cat "$TMP/one_no.err")"; fi
