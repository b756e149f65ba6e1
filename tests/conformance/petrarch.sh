#!/bin/bash
# PETRARCH unit-test records coded from raw <Text> (parses ignored) with the
# PETR.Validate dictionaries: a record passes when its event set equals the
# <EventCoding> set exactly.  PETRARCH2 with gold parses: 49 of 169.
# Also reports the GSR sample (79 AFP sentences) with the Phoenix set.
source "$(dirname "$0")/../lib.sh"
FLOOR=131
if ! have_shared; then skip petrarch_unit "../shared absent"; skip petrarch_gsr "../shared absent"; exit 0; fi
P=$SHARED/suites/petrarch
line=$("$VIGIL" validate "$P/PETR.UnitTest.dev.xml" --config "$P/PETR_config.validate.ini" 2>/dev/null \
       | grep 'scored records')
echo "# unit tests: $line"
n=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) exactly right.*/\1/p')
if [ "${n:-0}" -ge "$FLOOR" ]; then ok "petrarch_unit ($n >= $FLOOR)"; else fail "petrarch_unit ($n < $FLOOR)"; fi
g=$("$VIGIL" validate "$P/PETR2_GSR_validation.xml" \
     --config "$SHARED/dictionaries/phoenix/PETR_config.vigil.ini" 2>/dev/null | grep 'scored records')
echo "# GSR with Phoenix dictionaries: $g"
case "$g" in *"scored records"*) ok petrarch_gsr_runs ;; *) fail petrarch_gsr_runs ;; esac
n=$(printf '%s' "$g" | sed -n 's/.*: \([0-9]*\) exactly right.*/\1/p')
GSR_PHOENIX_FLOOR=27
if [ "${n:-0}" -ge "$GSR_PHOENIX_FLOOR" ]; then ok "petrarch_gsr_phoenix ($n >= $GSR_PHOENIX_FLOOR)"
else fail "petrarch_gsr_phoenix ($n < $GSR_PHOENIX_FLOOR)"; fi
d=$("$VIGIL" validate "$P/PETR2_GSR_validation.xml" 2>/dev/null | grep 'scored records')
echo "# GSR with Vigil's default dictionaries: $d"
n=$(printf '%s' "$d" | sed -n 's/.*: \([0-9]*\) exactly right.*/\1/p')
# 15 measured with data/model.bin; one below it, as a rebuilt model moves
# this sample by one or two sentences (docs/model.md)
GSR_DEFAULTS_FLOOR=16
if [ "${n:-0}" -ge "$GSR_DEFAULTS_FLOOR" ]; then ok "petrarch_gsr_defaults ($n >= $GSR_DEFAULTS_FLOOR)"
else fail "petrarch_gsr_defaults ($n < $GSR_DEFAULTS_FLOOR)"; fi
