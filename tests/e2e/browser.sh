#!/bin/bash
# browser.sh -- the dashboard end to end in real headless Chromium (Debian
# chromium driven by npm playwright-core): pick SRB-KSV, check that the
# timeline, map, alerts and event table render the fixture, open an event's
# explanation.  Screenshots go to build/screenshots/.  SKIPs without
# chromium, node or node_modules.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL=${VIGIL:-$ROOT/build/vigil}
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
skip() { echo "ok browser # SKIP $1"; exit 0; }
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM (apt-get install chromium)"
command -v node > /dev/null || skip "no node"
[ -d "$ROOT/node_modules/playwright-core" ] || skip "no node_modules (npm ci)"
TMPD=$(mktemp -d)
trap 'stop_server > /dev/null 2>&1; rm -rf "$TMPD"' EXIT
. "$ROOT/tests/fixtures/serve_lib.sh"
if ! "$ROOT/web/build.sh" "$TMPD/web" > "$TMPD/build.log" 2>&1; then
    echo "not ok browser_assets_build"; sed 's/^/# /' "$TMPD/build.log"; exit 0
fi
make_db || { echo "not ok browser_fixture"; exit 0; }
start_server --assets "$TMPD/web" || { echo "not ok browser_server_start"; sed 's/^/# /' "$TMPD/serve.log"; exit 0; }
shots=$ROOT/build/screenshots
case $VIGIL in *build-san*) shots=$ROOT/build/screenshots/san ;; esac
mkdir -p "$shots"
CHROMIUM=$CHROMIUM PROFILE=$TMPD/profile timeout 120 node "$ROOT/tests/browser/dashboard.mjs" "$BASE/" "$shots" \
    || echo "not ok browser_node_exit"
