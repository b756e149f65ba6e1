#!/bin/bash
# layers.sh -- the house is one-way: every file of src/ includes only its
# own module's headers and those of modules below it, in the order data
# flows (docs/architecture.md).  A module missing from the list below, or a
# file that belongs to none, fails too.
source "$(dirname "$0")/../lib.sh"
if ! command -v python3 >/dev/null; then skip layers "no python3"; exit 0; fi
python3 - "$ROOT" <<'PY'
import glob, os, re, sys
root = sys.argv[1]
# module: (rank, files); a file may include its module's headers and those
# of modules of lower rank
modules = {
    "util": (0, ["util"]), "date": (1, ["date"]), "sha256": (1, ["sha256"]),
    "embedded": (1, ["embedded"]), "version": (1, ["version"]), "fetch": (1, ["fetch"]),
    "deliver": (2, ["deliver"]),
    "text": (2, ["text"]), "ontology": (2, ["ontology"]), "tagger": (2, ["tagger"]),
    "record": (2, ["record"]),
    "input": (3, ["input", "input_xml"]), "feed": (3, ["feed", "feed_html"]),
    "dict": (3, ["dict", "dict_tabari", "dict_petrarch", "dict_load", "dict_image"]),
    "analysis": (4, ["analysis"]),
    "match": (5, ["match"]), "unknown": (5, ["unknown"]), "dict_check": (5, ["dict_check"]),
    "model": (6, ["model", "model_train"]),
    "output": (7, ["output"]), "pipeline": (7, ["pipeline"]),
    "validate": (8, ["validate"]),
    "post": (9, ["post", "dates", "places", "gazetteer"]),
    "store": (10, ["store_types", "store_be", "store", "store_sqlite", "store_pack", "store_pg",
                   "store_monitor", "store_read", "export"]),
    "ingest": (11, ["ingest"]),
    "watch": (12, ["watch", "watch_store", "watch_report"]),
    "server": (13, ["server", "http", "api"]), "monitor": (13, ["monitor"]),
    "vigil": (14, ["vigil"]),
    "cli": (15, []),
}
of = {}
for m, (r, names) in modules.items():
    for n in names:
        of[n] = m
def module(path):
    rel = os.path.relpath(path, root)
    if rel.startswith("src/cli/"):
        return "cli"
    return of.get(os.path.splitext(os.path.basename(rel))[0])
bad = []
files = sorted(glob.glob(root + "/src/**/*.[ch]", recursive=True)) + [root + "/include/vigil.h"]
for f in files:
    m = module(f)
    if m is None:
        bad.append(f"{os.path.relpath(f, root)}: in no module")
        continue
    rank = modules[m][0]
    for line in open(f, encoding="utf-8"):
        inc = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
        if not inc:
            continue
        name = os.path.splitext(os.path.basename(inc.group(1)))[0]
        if m == "cli" and name == "cli":
            continue
        t = of.get(name)
        if t is None:
            bad.append(f"{os.path.relpath(f, root)}: includes {inc.group(1)}, in no module")
        elif t != m and modules[t][0] >= rank:
            bad.append(f"{os.path.relpath(f, root)} ({m}) includes {inc.group(1)} ({t}): not below it")
if bad:
    print("not ok layers_one_way")
    for b in bad:
        print("# " + b)
else:
    print(f"ok layers_one_way ({len(files)} files)")
PY
