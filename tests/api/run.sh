#!/bin/bash
# run.sh -- libvigil as a user gets it: `make install` into a temporary
# prefix, then programs that include only <vigil.h> and link with
# `pkg-config --cflags --libs vigil` (examples/embed.c, store.c,
# errors.c), the shared library's exported symbols, the manual pages, a
# static link, and `make uninstall`.  TAP lines; run from the repository.
source "$(dirname "$0")/../lib.sh"
for t in cc pkg-config nm; do
    command -v $t >/dev/null || { skip api_install "no $t"; exit 0; }
done
P=$TMP/prefix
if make -s -C "$ROOT" install PREFIX="$P" >"$TMP/install.log" 2>&1; then ok api_install
else fail api_install "$(tail -5 "$TMP/install.log")"; exit 0; fi
for f in bin/vigil include/vigil.h lib/libvigil.a lib/libvigil.so lib/libvigil.so.0 \
         lib/pkgconfig/vigil.pc share/man/man1/vigil.1 share/man/man1/vigil-code.1; do
    [ -e "$P/$f" ] || { fail api_installed_files "missing $f"; break; }
done
[ -e "$P/lib/libvigil.so" ] && ok api_installed_files
export PKG_CONFIG_PATH=$P/lib/pkgconfig LD_LIBRARY_PATH=$P/lib
# nothing of the source tree: the build happens in an empty folder
CFL=$(pkg-config --cflags vigil) LIBS=$(pkg-config --libs vigil)
case "$CFL $LIBS" in *"$ROOT"*) fail api_pkgconfig "points into the source tree" ;; *) ok api_pkgconfig ;; esac
mkdir -p "$TMP/user"
cp "$ROOT/examples/embed.c" "$ROOT/tests/api/store.c" "$ROOT/tests/api/errors.c" "$TMP/user/"
build() {  # NAME: compiles $TMP/user/NAME.c against the installed library
    (cd "$TMP/user" && cc -std=c11 -Wall -Wextra -Werror $CFL -o "$1" "$1.c" $LIBS -lm) \
        >"$TMP/cc.log" 2>&1
}
for p in embed store errors; do
    if build $p; then ok "api_build_$p"; else fail "api_build_$p" "$(head -5 "$TMP/cc.log")"; fi
done

# the one call codes the seed article as `vigil code` does
SEED=$SHARED/seed/kosovo-nato-2023.txt
if [ -f "$SEED" ]; then
    # date, source, code, target of each event (sentences may span lines)
    "$TMP/user/embed" "$SEED" 2023-09-29 | grep -P '^\d{4}-' | cut -f1-4 >"$TMP/embed.out"
    "$VIGIL" code --format text --date 2023-09-29 --output tsv "$SEED" 2>/dev/null |
        awk -F'\t' 'NR > 1 { print $3 "\t" $4 "\t" $6 "\t" $5 }' >"$TMP/cli.out"
    if [ -s "$TMP/embed.out" ] && cmp -s "$TMP/embed.out" "$TMP/cli.out"; then ok api_embed_seed
    else fail api_embed_seed "$(diff "$TMP/embed.out" "$TMP/cli.out" | head -5)"; fi
else
    skip api_embed_seed "../shared absent"
fi

# a store: ingest, alerts, series and events agree with the program's
export VIGIL_GAZETTEER=/nonexistent
if "$TMP/user/store" "$TMP/api.db" "$ROOT/examples" >"$TMP/store.out" 2>"$TMP/store.err"; then
    ok api_store_runs
else
    fail api_store_runs "$(head -3 "$TMP/store.err")"
fi
[ "$(head -1 "$TMP/store.out")" = "$("$P/bin/vigil" alerts --db "$TMP/api.db" --format json)" ] &&
    ok api_store_alerts || fail api_store_alerts
"$P/bin/vigil" series --db "$TMP/api.db" --dyad SRB-KSV --by week >"$TMP/series.cli"
sed -n '2,/^events /p' "$TMP/store.out" | sed '$d' | cmp -s - "$TMP/series.cli" &&
    ok api_store_series || fail api_store_series
n=$(sed -n 's/^events \([0-9]*\) series \([0-9]*\)$/\1 \2/p' "$TMP/store.out")
[ -n "$n" ] && [ "${n% *}" = "${n#* }" ] && [ "${n% *}" -gt 0 ] && ok api_store_events ||
    fail api_store_events "$n"
# statuses and messages; the examples store read read-only with filters
(cd "$TMP/user" && ./errors "$TMP/api.db") >"$TMP/errors.out" 2>&1
if grep -q '^ok api_find_events_method' "$TMP/errors.out" && ! grep -q '^not ok' "$TMP/errors.out"; then
    ok api_errors
else
    fail api_errors "$(grep -v '^ok' "$TMP/errors.out" | head -5)"
fi
# a program of its own finds the installed gazetteer beside the library
if [ -f "$P/share/vigil/gazetteer.bin" ]; then
    (unset VIGIL_GAZETTEER; "$TMP/user/store" "$TMP/gaz.db" "$ROOT/examples" >/dev/null 2>&1)
    cities=$("$P/bin/vigil" export --db "$TMP/gaz.db" --format csv 2>/dev/null | grep -c ',city,')
    [ "${cities:-0}" -gt 0 ] && ok api_gazetteer_beside_library ||
        fail api_gazetteer_beside_library "no city-level places"
else
    skip api_gazetteer_beside_library "no gazetteer built"
fi

# the shared library exports the declarations of vigil.h and nothing else
nm -D --defined-only "$P/lib/libvigil.so" | awk '{ print $3 }' | sort >"$TMP/exported"
sed -n 's/^VG_EXPORT [^(]*[ *]\(vg_[a-z0-9_]*\)(.*/\1/p' "$P/include/vigil.h" | sort >"$TMP/declared"
if [ -s "$TMP/declared" ] && cmp -s "$TMP/exported" "$TMP/declared"; then ok api_exports
else fail api_exports "$(diff "$TMP/declared" "$TMP/exported" | head -5)"; fi
readelf -d "$P/lib/libvigil.so" 2>/dev/null | grep -q 'SONAME.*libvigil\.so\.0' && ok api_soname ||
    fail api_soname

# the static library, with the packages vigil.pc requires
req=$(pkg-config --print-requires-private vigil | tr '\n' ' ')
if (cd "$TMP/user" && cc -std=c11 $CFL -o embed-static embed.c "$P/lib/libvigil.a" \
        $(pkg-config --libs $req) -lm -lpthread) >"$TMP/cc.log" 2>&1 &&
   "$TMP/user/embed-static" "$ROOT/README.md" 2023-09-29 >/dev/null; then ok api_static
else fail api_static "$(head -3 "$TMP/cc.log")"; fi

# the manual pages render from the prefix
if command -v man >/dev/null; then
    MANPATH=$P/share/man man -P cat vigil 2>/dev/null | grep -q 'vigil-ingest' && ok api_man ||
        fail api_man
    MANPATH=$P/share/man man -P cat vigil-report 2>/dev/null | grep -q -- '--dyad' &&
        ok api_man_command || fail api_man_command
else
    skip api_man "no man"
fi

make -s -C "$ROOT" uninstall PREFIX="$P" >/dev/null 2>&1
left=$(find "$P" -type f -o -type l | head -3)
[ -z "$left" ] && ok api_uninstall || fail api_uninstall "left: $left"
