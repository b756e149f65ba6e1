#!/bin/bash
# TABARI's validation suite (Validate.text with Validate.project): every
# scored record before FINAL-01 must code as TABARI 0.8.4 codes it.
# The floor is the number of records that must pass; raise it, never lower it.
source "$(dirname "$0")/../lib.sh"
FLOOR=444
if ! have_shared; then skip tabari_validate "../shared absent"; exit 0; fi
out=$("$VIGIL" validate "$SHARED/suites/tabari/Validate.text" \
      --project "$SHARED/suites/tabari/Validate.project" --events "$TMP/ev.jsonl" 2>/dev/null)
line=$(printf '%s\n' "$out" | tail -1)
echo "# $line"
printf '%s\n' "$out" | grep '^FAIL' | sed 's/^/# /'
passed=$(printf '%s\n' "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
if [ "${passed:-0}" -ge "$FLOOR" ]; then ok "tabari_validate ($passed >= $FLOOR)"
else fail "tabari_validate ($passed < $FLOOR)"; fi
# the events file holds one JSON object per line with the required fields
if python3 - "$TMP/ev.jsonl" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    for k in ("record", "sentence", "date", "source", "target", "code", "matched"):
        assert k in e, k
    n += 1
assert n > 400
PY
then ok tabari_events_jsonl; else fail tabari_events_jsonl; fi
