#!/bin/bash
# python.sh -- the Python package (python/): its unittest suite with
# Debian's python3 against build/libvigil.so (one TAP line per test), then
# as a user installs it: `make install` into a temporary prefix, `python3 -m
# venv --system-site-packages`, `pip install --no-build-isolation
# --no-index` (offline), and the installed package finding the installed
# libvigil through pkg-config.  TAP lines; SKIPs without python3 / venv.
source "$(dirname "$0")/../lib.sh"
case $VIGIL in /*) ;; *) VIGIL=$ROOT/$VIGIL ;; esac
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
[ -n "$PY" ] || { skip python "no python3"; exit 0; }
LIB=$(dirname "$VIGIL")/libvigil.so
[ -e "$LIB" ] || LIB=$ROOT/build/libvigil.so
[ -e "$LIB" ] || { fail python_library "no $LIB (make)"; exit 0; }

# ---- the suite, from the source tree
(cd "$ROOT/python/tests" && VIGIL=$VIGIL VIGIL_SHARED=$SHARED VIGIL_LIBRARY=$LIB \
    PYTHONPATH=$ROOT/python PYTHONDONTWRITEBYTECODE=1 \
    timeout 900 "$PY" -m unittest -v test_vigil) >"$TMP/unittest.log" 2>&1
rc=$?
"$PY" - "$TMP/unittest.log" <<'PY'
import re, sys
log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
n = 0
for m in re.finditer(r"^(test\w+) \(([\w.]+?)\)\s*\.\.\. (?:.*\n)*?.*?(ok|FAIL|ERROR|skipped '?(.*?)'?)$",
                     log, re.M):
    name, cls, res, why = m.group(1), m.group(2).split(".")[-2], m.group(3), m.group(4)
    n += 1
    t = "python_%s_%s" % (cls, name[5:])
    if res == "ok":
        print("ok " + t)
    elif res.startswith("skipped"):
        print("ok %s # SKIP %s" % (t, why))
    else:
        print("not ok " + t)
if not n:
    print("not ok python_unittest_ran")
for block in re.findall(r"^={10,}\n((?:FAIL|ERROR):.*?)(?=^={10,}|^-{10,}\nRan )", log, re.M | re.S):
    print("# " + block.strip().replace("\n", "\n# ")[:3000])
PY
grep -q '^OK' "$TMP/unittest.log" && [ $rc -eq 0 ] && ok python_unittest_exit ||
    fail python_unittest_exit "$(tail -3 "$TMP/unittest.log")"

# ---- installed as the README says
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
    skip python_venv_install "no venv/ensurepip (apt-get install python3-venv)"; exit 0
fi
P=$TMP/prefix
if ! make -s -C "$ROOT" install PREFIX="$P" >"$TMP/install.log" 2>&1; then
    fail python_make_install "$(tail -3 "$TMP/install.log")"; exit 0
fi
"$PY" -m venv --system-site-packages "$TMP/env" >"$TMP/venv.log" 2>&1 ||
    { fail python_venv "$(tail -3 "$TMP/venv.log")"; exit 0; }
cp -r "$ROOT/python" "$TMP/src"          # pip builds in place: keep the tree clean
if "$TMP/env/bin/pip" install --no-build-isolation --no-index --no-cache-dir "$TMP/src" \
        >"$TMP/pip.log" 2>&1; then ok python_pip_install
else fail python_pip_install "$(tail -5 "$TMP/pip.log")"; exit 0; fi
# from another folder, the library found through pkg-config alone
mkdir -p "$TMP/elsewhere"
out=$(cd "$TMP/elsewhere" && env -u VIGIL_LIBRARY PKG_CONFIG_PATH="$P/lib/pkgconfig" \
      "$TMP/env/bin/python" -c '
import vigil, sys
v, path = vigil.library_version()
assert vigil.__file__.startswith(sys.prefix), vigil.__file__
ev = vigil.code("Serbian police attacked Kosovo police on Sunday.", date="2023-09-29")
print(path, len(ev), ev[0]["code"] if ev else "-")' 2>&1)
case $out in "$P"/lib/libvigil.so.0\ [1-9]*) ok python_installed_finds_library ;;
             *) fail python_installed_finds_library "$out" ;; esac
out=$(cd "$TMP/elsewhere" && env -u VIGIL_LIBRARY -u PKG_CONFIG_PATH PATH=/usr/bin:/bin \
      LD_LIBRARY_PATH= "$TMP/env/bin/python" -c 'import vigil' 2>&1)
case $out in *"make install"*"VIGIL_LIBRARY"*) ok python_no_library_message ;;
             "") skip python_no_library_message "a system libvigil is installed" ;;
             *) fail python_no_library_message "$out" ;; esac
make -s -C "$ROOT" uninstall PREFIX="$P" >/dev/null 2>&1
