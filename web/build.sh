#!/bin/sh
# build.sh -- bundles the dashboard (docs/dashboard.md) into OUTDIR
# (default build/web, which `vigil serve` finds next to build/vigil):
# app.js (esbuild bundle with topojson-client), index.html, style.css and
# world.json (world-atlas countries-50m, Natural Earth boundaries).
# Needs node_modules (npm ci); the C build does not.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/web}
esbuild=$root/node_modules/.bin/esbuild
atlas=$root/node_modules/world-atlas/countries-50m.json
if [ ! -x "$esbuild" ] || [ ! -f "$atlas" ]; then
    echo "web/build.sh: node_modules missing (run npm ci)" >&2
    exit 1
fi
mkdir -p "$out"
"$esbuild" "$root/web/app.js" --bundle --minify --format=iife --target=es2020 \
    --log-level=warning --outfile="$out/app.js"
cp "$root/web/index.html" "$root/web/style.css" "$out/"
cp "$atlas" "$out/world.json"
