"""_lib.py -- libvigil through ctypes: finding the shared library and
declaring the prototypes of include/vigil.h that the package calls.

The library is found, in this order: $VIGIL_LIBRARY (a path to
libvigil.so), the libdir of `pkg-config vigil` (which honours
$PKG_CONFIG_PATH, so a chosen prefix wins over an older system install),
the dynamic linker's cache (after `make install` and `ldconfig`), then
/usr/local/lib and /usr/lib.  Calls go through ctypes.CDLL, which releases the GIL while C
runs, so coders on several threads code in parallel.
"""
import ctypes
import ctypes.util
import os
import subprocess

from ctypes import POINTER, c_char_p, c_int, c_int64, c_long, c_size_t, c_void_p

SONAME = "libvigil.so.0"

# status codes of vigil.h
OK, EINVAL, EDATE, EIO, ESTORE, ERECORD = range(6)

# vg_coder_option
OPT_LEDE, OPT_TAGGER, OPT_REQUIRE_DYAD, OPT_MIN_WORDS, OPT_TABARI, OPT_HYBRID, \
    OPT_MIN_CONFIDENCE = range(1, 8)


def _candidates():
    env = os.environ.get("VIGIL_LIBRARY")
    if env:
        yield env
        return
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "vigil"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        if libdir:
            yield os.path.join(libdir, SONAME)
    except (OSError, subprocess.SubprocessError):
        pass
    found = ctypes.util.find_library("vigil")
    if found:
        yield found
    for d in ("/usr/local/lib", "/usr/local/lib64", "/usr/lib/x86_64-linux-gnu",
              "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/usr/lib64"):
        yield os.path.join(d, SONAME)


def _load():
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise OSError("libvigil not found: install it with `make install` in Vigil's source "
                  "folder (then `ldconfig`), or set VIGIL_LIBRARY to the path of "
                  "libvigil.so; tried: " + "; ".join(tried))


lib, path = _load()

_PROTOS = {
    # simple interface, errors
    "vg_version": (c_char_p, []),
    "vg_strerror": (c_char_p, [c_int]),
    # dictionaries
    "vg_dicts_default": (c_int, [POINTER(c_void_p)]),
    "vg_dicts_tabari": (c_int, [c_char_p, POINTER(c_void_p)]),
    "vg_dicts_petrarch": (c_int, [c_char_p, POINTER(c_void_p)]),
    "vg_dicts_problem_count": (c_size_t, [c_void_p]),
    "vg_dicts_problem": (c_char_p, [c_void_p, c_size_t]),
    "vg_dicts_errmsg": (c_char_p, [c_void_p]),
    "vg_dicts_free": (None, [c_void_p]),
    # coders
    "vg_coder_new": (c_int, [c_void_p, POINTER(c_void_p)]),
    "vg_coder_set_model": (c_int, [c_void_p, c_char_p]),
    "vg_coder_set": (c_int, [c_void_p, c_int, c_long]),
    "vg_coder_get": (c_long, [c_void_p, c_int]),
    "vg_coder_code_record": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p, c_size_t, c_char_p,
                                     c_char_p, c_char_p, POINTER(c_void_p)]),
    "vg_coder_errmsg": (c_char_p, [c_void_p]),
    "vg_coder_free": (None, [c_void_p]),
    # events
    "vg_events_count": (c_size_t, [c_void_p]),
    "vg_events_get": (c_void_p, [c_void_p, c_size_t]),
    "vg_events_sentences": (c_size_t, [c_void_p]),
    "vg_events_free": (None, [c_void_p]),
    "vg_event_json": (c_char_p, [c_void_p]),
    "vg_event_id": (c_int64, [c_void_p]),
    # the store
    "vg_store_open": (c_int, [c_char_p, POINTER(c_void_p)]),
    "vg_store_open_readonly": (c_int, [c_char_p, POINTER(c_void_p)]),
    "vg_store_ingest": (c_int, [c_void_p, c_void_p, POINTER(c_char_p), c_size_t]),
    "vg_store_find_events": (c_int, [c_void_p, POINTER(c_char_p), POINTER(c_char_p), c_size_t,
                                     POINTER(c_void_p)]),
    "vg_store_series": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p,
                                POINTER(c_void_p)]),
    "vg_store_alerts": (c_int, [c_void_p, c_char_p, c_char_p, POINTER(c_void_p)]),
    "vg_store_errmsg": (c_char_p, [c_void_p]),
    "vg_store_close": (None, [c_void_p]),
    "vg_series_json": (c_char_p, [c_void_p]),
    "vg_series_free": (None, [c_void_p]),
    "vg_alerts_json": (c_char_p, [c_void_p]),
    "vg_alerts_free": (None, [c_void_p]),
}

lib.vg_version.restype = c_char_p
lib.vg_version.argtypes = []
VERSION = lib.vg_version().decode()

for _name, (_res, _args) in _PROTOS.items():
    try:
        _f = getattr(lib, _name)
    except AttributeError:
        raise ImportError("%s (libvigil %s) has no %s: it is older than this package; install "
                          "the libvigil of the same Vigil version (make install)"
                          % (path, VERSION, _name)) from None
    _f.restype = _res
    _f.argtypes = _args

__all__ = ["lib", "path", "VERSION", "OK", "EINVAL", "EDATE", "EIO", "ESTORE", "ERECORD"]
