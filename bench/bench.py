#!/usr/bin/env python3
"""Coding benchmark: news-sentences.jsonl x 6 (48,648 wire sentences).

  bench/bench.py tabari     TABARI's CAMEO.091003.master.verbs, Phoenix.Countries.tabari.actors,
                            CAMEO.09b5.options (issue 2)
  bench/bench.py phoenix    the full Phoenix/PETRARCH set: CAMEO.2.0.txt, actors, agents,
                            discards, issues (issue 3)
  bench/bench.py defaults   Vigil's own dictionaries (issue 4), hybrid against --coder dict

Single thread (-j 1), whole process including dictionary loading; the
median of --runs runs.  CPU seconds are reported too.  Prints sentences/s, peak RSS, events, load time, and -j 2
scaling.  Needs ../shared (or VIGIL_SHARED)."""
import argparse, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("VIGIL_SHARED", os.path.join(ROOT, "..", "shared"))
VIGIL = os.environ.get("VIGIL", os.path.join(ROOT, "build", "vigil"))

def dicts(name):
    t = os.path.join(SHARED, "dictionaries", "tabari")
    p = os.path.join(SHARED, "dictionaries", "phoenix")
    if name == "tabari":
        return ["--verbs", f"{t}/CAMEO.091003.master.verbs",
                "--actors", f"{t}/Phoenix.Countries.tabari.actors",
                "--options", f"{t}/CAMEO.09b5.options"]
    if name == "phoenix":
        return ["--config", f"{p}/PETR_config.vigil.ini"]
    return []

def run(args, stdin=None):
    """Runs args; returns (seconds, peak RSS in MB, stderr, CPU seconds)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=stdin)
    _, ru = os.wait4(p.pid, 0)[1:]
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    return time.perf_counter() - t0, ru.ru_maxrss / 1024.0, err, ru.ru_utime + ru.ru_stime

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set", choices=["tabari", "phoenix", "defaults"])
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    src = os.path.join(SHARED, "corpora", "news-sentences.jsonl")
    if not os.path.exists(src):
        sys.exit("bench: %s not found (set VIGIL_SHARED)" % src)
    data = open(src, "rb").read() * 6
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as f:
        f.write(data)
        inp = f.name
    empty = inp + ".empty.jsonl"
    open(empty, "w").close()
    base = [VIGIL, "code", *dicts(a.set), "--date", "2015-06-01"]
    try:
        load = statistics.median(run(base + [empty])[0] for _ in range(a.runs))
        times, cpus, rss, err = [], [], 0, ""
        for _ in range(a.runs):
            s, r, err, c = run(base + ["-j", "1", inp])
            times.append(s)
            cpus.append(c)
            rss = max(rss, r)
        t1, cpu1 = statistics.median(times), statistics.median(cpus)
        t2 = statistics.median(run(base + ["-j", "2", inp])[0] for _ in range(a.runs))
        summary = [l for l in err.splitlines() if l.startswith("vigil code:")][-1]
        records = int(summary.split()[2])
        sentences = int(summary.split()[4])
        events = int(summary.split()[6])
        print(f"dictionaries: {a.set}")
        print(f"input: {records} records, {sentences} sentences ({len(data)/1e6:.1f} MB)")
        print(f"load only: {load*1000:.0f} ms")
        print(f"-j 1: {t1:.3f} s, {records/t1:,.0f} records/s, {sentences/t1:,.0f} sentences/s, "
              f"peak RSS {rss:.0f} MB, {events} events")
        print(f"      {cpu1:.3f} CPU s: {sentences/cpu1:,.0f} sentences per CPU second")
        print(f"-j 2: {t2:.3f} s, {sentences/t2:,.0f} sentences/s (x{t1/t2:.2f})")
        if a.set == "defaults":
            # hybrid coding (the default here) beside the dictionaries alone,
            # alternately in the same run, so that the ratio is fair
            hy, dc = [], []
            for _ in range(a.runs):
                hy.append(run(base + ["-j", "1", inp])[3])
                dc.append(run(base + ["--coder", "dict", "-j", "1", inp])[3])
            h, d = statistics.median(hy), statistics.median(dc)
            print(f"hybrid (default) {sentences/h:,.0f} sentences per CPU second, dictionaries "
                  f"alone (--coder dict) {sentences/d:,.0f}: hybrid keeps {d/h:.0%} of the speed")
    finally:
        os.unlink(inp)
        os.unlink(empty)

if __name__ == "__main__":
    main()
