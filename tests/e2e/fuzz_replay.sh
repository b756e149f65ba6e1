#!/bin/bash
# fuzz_replay.sh -- every fuzz target (tests/fuzz/, docs/fuzzing.md) run
# without libFuzzer on its hand-written seeds (tests/fuzz/corpus/) and on
# the inputs that once failed (tests/fuzz/regressions/), in the build of
# $VIGIL: so every make check replays them under the gcc and clang
# sanitizers too.  A finding aborts the replay binary and fails here.
source "$(dirname "$0")/../lib.sh"
B=$(dirname "$VIGIL")/fuzz-replay
cd "$ROOT"
if [ ! -d "$B" ]; then skip fuzz_replay "$B not built (make tests)"; exit 0; fi
for bin in "$B"/*; do
    t=$(basename "$bin")
    [ "$t" = gaz-seed ] && continue
    if [ "$t" = code_phoenix ] && [ ! -f "$SHARED/dictionaries/phoenix/PETR_config.vigil.ini" ]; then
        skip "fuzz_replay_$t" "../shared absent"; continue
    fi
    if out=$(VIGIL_SHARED=$SHARED timeout 300 "$bin" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" 2>&1) &&
       [ "${out%% inputs}" -gt 0 ] 2>/dev/null; then
        ok "fuzz_replay_$t (${out})"
    else
        fail "fuzz_replay_$t" "$(printf '%s\n' "$out" | grep -v '^ *#' | tail -5)"
    fi
done
# the gazetteer seed writer makes a file the loader accepts
if [ -x "$B/gaz-seed" ] && "$B/gaz-seed" "$TMP/g.bin" && "$B/gazetteer" "$TMP/g.bin" >/dev/null 2>&1; then
    ok fuzz_gazetteer_seed
else fail fuzz_gazetteer_seed; fi
