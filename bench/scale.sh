#!/bin/bash
# scale.sh -- ingest rate and store size as a SQLite store grows
# (docs/scaling.md): N generated articles (bench/gen_articles.py, seeded),
# ingested in chunks of CHUNK articles into one store with `vigil ingest -j
# 2` and the default dictionaries and gazetteer.  Prints, per chunk, its
# rate and the store's size so far, then the bytes per table and index.
#
#   bench/scale.sh [N] [CHUNK]      (default 1000000 100000; SEED=20231,
#                                    DAYS=365, DIR=a scratch folder that is
#                                    removed afterwards unless KEEP=1)
# Needs python3; uses build/vigil (or $VIGIL).
set -eu
cd "$(dirname "$0")/.."
VIGIL=${VIGIL:-build/vigil}
N=${1:-1000000}
CHUNK=${2:-100000}
SEED=${SEED:-20231}
DAYS=${DAYS:-365}
[ -x "$VIGIL" ] || { echo "bench/scale.sh: build $VIGIL first (make)"; exit 1; }
D=${DIR:-$(mktemp -d)}
mkdir -p "$D"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$D"' EXIT
python3 bench/gen_articles.py "$N" --seed "$SEED" --days "$DAYS" >"$D/all.jsonl"
split -d -a 3 --additional-suffix=.jsonl -l "$CHUNK" "$D/all.jsonl" "$D/chunk."
rm "$D/all.jsonl"
calc() { awk "BEGIN { print $1 }"; }
echo "$N articles (seed $SEED, $DAYS days), chunks of $CHUNK, $(nproc) cores, $(uname -r)"
printf '%9s %9s %9s | %7s %7s %9s %10s | %9s %8s %8s\n' articles sentences mentions \
    "wall s" "CPU s" "articles/s" sentences/s "store MB" B/article B/mention
arts=0 sents=0 ments=0 t0=$(date +%s.%N)
for f in "$D"/chunk.*; do
    TIMEFORMAT='%R %U %S'
    { time "$VIGIL" ingest --db "$D/store.db" -j 2 -v "$f" 2>"$D/err"; } 2>"$D/time" ||
        { echo "ingest failed:"; tail -3 "$D/err"; exit 1; }
    read -r w u s <"$D/time"
    line=$(grep 'articles (' "$D/err" | tail -1)
    a=$(sed -n 's/.*: \([0-9]*\) articles.*/\1/p' <<<"$line")
    se=$(sed -n 's/.* \([0-9]*\) sentences,.*/\1/p' <<<"$line")
    m=$(sed -n 's/.* \([0-9]*\) mentions,.*/\1/p' <<<"$line")
    arts=$((arts + a)) sents=$((sents + se)) ments=$((ments + m))
    size=$(( $(stat -c %s "$D/store.db") + $(stat -c %s "$D/store.db-wal" 2>/dev/null || echo 0) ))
    printf '%9d %9d %9d | %7.1f %7.1f %9.0f %10.0f | %9.0f %8.0f %8.0f\n' "$arts" "$sents" "$ments" \
        "$w" "$(calc "$u + $s")" "$(calc "$a / $w")" "$(calc "$se / $w")" "$(calc "$size / 1048576")" \
        "$(calc "$size / $arts")" "$(calc "$size / $ments")"
    rm -f "$f"
done
echo "total wall $(calc "$(date +%s.%N) - $t0") s"
python3 - "$D/store.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
try:
    rows = c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
except sqlite3.Error as e:
    sys.exit("no dbstat: %s" % e)
nm = c.execute("SELECT count(*) FROM mentions").fetchone()[0]
ne = c.execute("SELECT count(*) FROM events").fetchone()[0]
print("%d events, %d mentions; bytes by table and index (pages), per mention:" % (ne, nm))
for name, sz in rows:
    print("  %-16s %8.1f MB %7.1f" % (name, sz / 1048576, sz / max(nm, 1)))
print("  %-16s %8.1f MB %7.1f" % ("total", sum(r[1] for r in rows) / 1048576,
                                   sum(r[1] for r in rows) / max(nm, 1)))
PY
