# lib.sh -- helpers for the shell tests (sourced).  Tests print TAP-style
# lines: "ok NAME", "not ok NAME", "ok NAME # SKIP reason".
VIGIL=${VIGIL:-build/vigil}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${VIGIL_SHARED:-$ROOT/../shared}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok()   { echo "ok $1"; }
fail() { echo "not ok $1"; [ -n "${2:-}" ] && echo "# $2"; }
skip() { echo "ok $1 # SKIP $2"; }
check() {  # check NAME COMMAND... : ok if the command succeeds
    local name=$1; shift
    if "$@" >/dev/null 2>&1; then ok "$name"; else fail "$name"; fi
}
have_shared() { [ -d "$SHARED/suites" ]; }
