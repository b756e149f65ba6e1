# shim.sh -- sourced by the fault-injection tests: builds tests/fault/fault.c
# into an LD_PRELOAD library and runs commands with it.
#   build_shim DIR        -> $SHIM (DIR/fault.so); false without a C compiler
#   with_shim CMD...      runs CMD with the shim preloaded (FAULT_* in the
#                         environment choose the fault, see fault.c)
# A binary linked with the shared ASan runtime (gcc -fsanitize=address)
# refuses to start unless that runtime comes first in LD_PRELOAD, so it is
# put first; ASan's own write interceptors then call the shim.  Binaries
# with a static runtime (clang) need nothing.

build_shim() {
    local dir=$1 src
    src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/fault.c
    SHIM=$dir/fault.so
    ${CC_SHIM:-cc} -shared -fPIC -O2 -o "$SHIM" "$src" -ldl >"$dir/shim.log" 2>&1
}

# The LD_PRELOAD value for binary $1.
shim_preload() {
    local asan
    asan=$(ldd "$1" 2>/dev/null | sed -n 's/^[[:space:]]*libasan\.so[^ ]* => \([^ ]*\) .*/\1/p' | head -1)
    echo "${asan:+$asan:}$SHIM"
}

with_shim() {
    LD_PRELOAD=$(shim_preload "$1") "$@"
}
