#!/usr/bin/env python3
"""packages.py -- the Python package's coding speed beside the vigil program.

    VIGIL_LIBRARY=build/libvigil.so PYTHONPATH=python /usr/bin/python3 bench/packages.py [RUNS]

Codes ../shared/corpora/news-sentences.jsonl (one sentence per record,
dated 2023-09-29) with `vigil code -j N` and with vigil.code_many(jobs=N),
N = 1 and 2, default dictionaries and model, RUNS times each (default 5),
and prints the median sentences per second and the ratio package/program.
The package's time includes turning every event into a dict (json.loads
of vg_event_json); the program's includes writing its JSON lines.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SHARED = os.environ.get("VIGIL_SHARED") or os.path.join(ROOT, "..", "shared")
CORPUS = os.path.join(SHARED, "corpora", "news-sentences.jsonl")
VIGIL = os.environ.get("VIGIL") or os.path.join(ROOT, "build", "vigil")


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not os.path.exists(CORPUS):
        print("packages.py: %s missing" % CORPUS)
        return 0
    import vigil
    recs = []
    with open(CORPUS, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            recs.append({"id": r["id"], "text": r["text"], "date": "2023-09-29"})
    tmp = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8")
    for r in recs:
        tmp.write(json.dumps(r) + "\n")
    tmp.close()
    vigil.code("warm up the default dictionaries and model", "2023-09-29")
    n = len(recs)
    print("%d records (one sentence each), %d runs, medians" % (n, runs))
    print("%-28s %12s %8s" % ("", "sentences/s", "events"))
    rates = {}
    for jobs in (1, 2):
        t_cli, t_py = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            out = subprocess.run([VIGIL, "code", "-j", str(jobs), tmp.name], capture_output=True)
            t_cli.append(time.perf_counter() - t0)
            ev_cli = out.stdout.count(b"\n")
            t0 = time.perf_counter()
            ev = vigil.code_many(recs, jobs=jobs)
            t_py.append(time.perf_counter() - t0)
        rates[("cli", jobs)] = n / statistics.median(t_cli)
        rates[("py", jobs)] = n / statistics.median(t_py)
        print("%-28s %12.0f %8d" % ("vigil code -j %d" % jobs, rates[("cli", jobs)], ev_cli))
        print("%-28s %12.0f %8d" % ("vigil.code_many(jobs=%d)" % jobs, rates[("py", jobs)], len(ev)))
    for jobs in (1, 2):
        print("package / program, %d thread%s: %.2f" % (jobs, "s" if jobs > 1 else "",
                                                      rates[("py", jobs)] / rates[("cli", jobs)]))
    print("package, 2 threads / 1: %.2f" % (rates[("py", 2)] / rates[("py", 1)]))
    os.unlink(tmp.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
