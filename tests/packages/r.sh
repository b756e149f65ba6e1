#!/bin/bash
# r.sh -- the R package (r/vigil) as a user installs it: `make install` into
# a temporary prefix, `R CMD build`, `R CMD INSTALL` of the tarball (its
# configure finds libvigil with pkg-config), then the package's tests
# (r/vigil/tests/test-vigil.R: one TAP line per check, the seed article as
# `vigil code` codes it, a store as `vigil export`/`series` read it) and the
# README's "From R" example.  `R CMD check` runs in .ci/run.  TAP lines;
# SKIPs without R.
source "$(dirname "$0")/../lib.sh"
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
command -v Rscript >/dev/null && command -v R >/dev/null || { skip r "no R (apt-get install r-base-dev)"; exit 0; }
P=$TMP/prefix
if ! make -s -C "$ROOT" install PREFIX="$P" >"$TMP/install.log" 2>&1; then
    fail r_make_install "$(tail -3 "$TMP/install.log")"; exit 0
fi
export PKG_CONFIG_PATH=$P/lib/pkgconfig
mkdir -p "$TMP/lib" "$TMP/build"
if (cd "$TMP/build" && R CMD build --no-manual "$ROOT/r/vigil") >"$TMP/build.log" 2>&1; then ok r_build
else fail r_build "$(tail -5 "$TMP/build.log")"; exit 0; fi
tarball=$(ls "$TMP"/build/vigil_*.tar.gz)
if R CMD INSTALL -l "$TMP/lib" "$tarball" >"$TMP/rinstall.log" 2>&1; then ok r_install
else fail r_install "$(tail -8 "$TMP/rinstall.log")"; exit 0; fi
# the tree stays clean (configure writes src/Makevars only in the build copy)
[ ! -e "$ROOT/r/vigil/src/Makevars" ] && [ -z "$(ls "$ROOT"/r/vigil/src/*.o 2>/dev/null)" ] &&
    ok r_tree_clean || fail r_tree_clean

# the package's tests, from another folder, with only the installed library
(cd "$TMP" && env -u LD_LIBRARY_PATH R_LIBS="$TMP/lib" VIGIL="$VIGIL" VIGIL_SHARED="$SHARED" \
    VIGIL_EXAMPLES="$ROOT/examples" timeout 600 Rscript --vanilla "$ROOT/r/vigil/tests/test-vigil.R") \
    >"$TMP/test.log" 2>&1
rc=$?
grep -E '^(ok|not ok|#)' "$TMP/test.log"
grep -q '^ok r_' "$TMP/test.log" && [ $rc -eq 0 ] && ok r_tests_exit ||
    fail r_tests_exit "$(grep -v '^ok' "$TMP/test.log" | tail -5)"

# the README's example, as written (the seed path and the store put in)
SEED=$SHARED/seed/kosovo-nato-2023.txt
if [ -f "$SEED" ]; then
    "$VIGIL" ingest --db "$TMP/examples.db" "$ROOT/examples" 2>/dev/null
    awk '/^## From R/ { on = 1 } on && /^```r/ { code = 1; next } code && /^```/ { exit } code' \
        "$ROOT/README.md" | sed -e "s|../shared/seed/kosovo-nato-2023.txt|$SEED|" \
        -e "s|build/examples.db|$TMP/examples.db|" >"$TMP/readme.R"
    (cd "$TMP" && R_LIBS="$TMP/lib" Rscript --vanilla readme.R) >"$TMP/readme.log" 2>&1
    if [ -s "$TMP/readme.R" ] && [ "$(stat -c %s "$TMP/srb-ksv.png" 2>/dev/null || echo 0)" -gt 1000 ] &&
       grep -q '193' "$TMP/readme.log" && ! grep -q -i 'warning\|error' "$TMP/readme.log"; then
        ok r_readme_example
    else
        fail r_readme_example "$(tail -5 "$TMP/readme.log")"
    fi
else
    skip r_readme_example "../shared absent"
fi
make -s -C "$ROOT" uninstall PREFIX="$P" >/dev/null 2>&1
