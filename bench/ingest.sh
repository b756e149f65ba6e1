#!/bin/bash
# ingest.sh -- end-to-end `vigil ingest` throughput into SQLite:
# news-sentences.jsonl x 6 (8,108 sentences per copy, ids made unique per
# copy, article date 2023-09-29), -j 2, dictionary loading, gazetteer and
# all.  Prints sentences/s and the database size per million events and per
# million mentions (extrapolated from what was stored).
#
#   bench/ingest.sh [defaults|tabari|phoenix|all]   (default: all; the
#                                                    target is >= 40,000
#                                                    sentences/s)
#   bench/ingest.sh ratio [RUNS]   one table: for each dictionary set,
#       `vigil code -j 2` (JSON lines to /dev/null) and `vigil ingest -j 2`
#       (a fresh SQLite store) on the same input, RUNS (default 3) runs of
#       each taken alternately, median wall time; sentences/s of each and
#       the ratio ingest/code (target >= 70%); the same for CPU seconds,
#       which another load on the machine disturbs less.
# Needs ../shared (or $VIGIL_SHARED); uses build/vigil (or $VIGIL).
set -eu
cd "$(dirname "$0")/.."
VIGIL=${VIGIL:-build/vigil}
SHARED=${VIGIL_SHARED:-../shared}
CORPUS=$SHARED/corpora/news-sentences.jsonl
[ -f "$CORPUS" ] || { echo "bench/ingest.sh: $CORPUS not found (set VIGIL_SHARED)"; exit 0; }
[ -x "$VIGIL" ] || { echo "bench/ingest.sh: build $VIGIL first (make)"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for i in 1 2 3 4 5 6; do sed "s/\"id\": \"/\"id\": \"c$i-/" "$CORPUS"; done >"$T/in.jsonl"
TAB=$SHARED/dictionaries/tabari
declare -A DICTS=(
    [tabari]="--verbs $TAB/CAMEO.091003.master.verbs --actors $TAB/Phoenix.Countries.tabari.actors --options $TAB/CAMEO.09b5.options"
    [phoenix]="--config $SHARED/dictionaries/phoenix/PETR_config.vigil.ini"
    [defaults]=""
)
calc() { awk "BEGIN { print $1 }"; }
run() {  # NAME
    local db=$T/$1.db secs u s sent ev men size
    rm -f "$db"*
    local TIMEFORMAT='%R %U %S' cpu
    # shellcheck disable=SC2086
    { time "$VIGIL" ingest --db "$db" -j 2 -v --date 2023-09-29 ${DICTS[$1]} "$T/in.jsonl" \
        2>"$T/err"; } 2>"$T/time" || true
    if ! grep -q "sentences," "$T/err"; then echo "$1: ingest failed:"; tail -3 "$T/err"; return; fi
    sent=$(sed -n 's/.* \([0-9]*\) sentences,.*/\1/p' "$T/err" | tail -1)
    ev=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(*c.execute('SELECT count(*), sum(num_mentions) FROM events').fetchone())" "$db")
    read -r ev men <<<"$ev"
    size=$(stat -c %s "$db")
    read -r secs u s <"$T/time"
    cpu=$(calc "$u + $s")
    printf '%-8s %7d sentences in %5.2f s (CPU %.2f s) = %6.0f sentences/s | %6d events, %6d mentions, %5.1f MB: %6.0f MB per million events, %5.0f MB per million mentions\n' \
        "$1" "$sent" "$secs" "$cpu" "$(calc "$sent / $secs")" "$ev" "$men" \
        "$(calc "$size / 1048576")" "$(calc "$size / $ev")" "$(calc "$size / $men")"
    python3 - "$db" <<'PY' || true
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
try:
    rows = dict(c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
except sqlite3.Error:
    sys.exit(0)
idx = {n: t for n, t in c.execute("SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index'")}
per = {}
for n, sz in rows.items():
    t = idx.get(n, n)
    per[t] = per.get(t, 0) + sz
na, nm, ne = (c.execute("SELECT count(*) FROM %s" % t).fetchone()[0] for t in ("articles", "mentions", "events"))
print("         bytes (tables with their indexes) per article %.0f, per mention %.0f + %.0f of sentence text, per event %.0f"
      % (per.get("articles", 0) / max(na, 1), per.get("mentions", 0) / max(nm, 1),
         per.get("sentences", 0) / max(nm, 1), per.get("events", 0) / max(ne, 1)))
# per mention: the mention rows, their indexes, sentences, articles, events
# with their indexes, the dictionaries (zdict, schema 5), the rest (meta,
# schema, free pages)
m_idx = sum(sz for n, sz in rows.items() if idx.get(n) == "mentions")
parts = [("mentions", rows.get("mentions", 0)), ("mention indexes", m_idx),
         ("sentences", per.get("sentences", 0)), ("articles", per.get("articles", 0)),
         ("events", per.get("events", 0)), ("zdict", per.get("zdict", 0))]
total = sum(rows.values())
parts.append(("other", total - sum(v for _, v in parts)))
print("         per mention: " + ", ".join("%s %.0f" % (k, v / max(nm, 1)) for k, v in parts)
      + "; dbstat total %.0f" % (total / max(nm, 1)))
PY
}
# median of the numbers on standard input
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
times_of() {  # COMMAND...: "wall-seconds cpu-seconds"
    local TIMEFORMAT='%R %U %S' w u s
    { time "$@" >/dev/null 2>"$T/err"; } 2>"$T/time" || { echo "failed: $*" >&2; tail -3 "$T/err" >&2; }
    read -r w u s <"$T/time"
    echo "$w $(calc "$u + $s")"
}
ratio() {  # RUNS
    local runs=$1 set i c k cc kc sent
    echo "median of $runs runs each, wall seconds (CPU seconds, user + system, in brackets)"
    printf '%-8s %9s | %14s %11s | %14s %11s | %6s %9s\n' set sentences "code s (CPU)" "sent/s" \
        "ingest s (CPU)" "sent/s" ratio "CPU ratio"
    for set in defaults tabari phoenix; do
        : >"$T/c"; : >"$T/i"
        for ((i = 0; i < runs; i++)); do
            # shellcheck disable=SC2086
            times_of "$VIGIL" code -j 2 --date 2023-09-29 ${DICTS[$set]} "$T/in.jsonl" >>"$T/c"
            sent=$(sed -n 's/.* \([0-9]*\) sentences,.*/\1/p' "$T/err" | tail -1)
            rm -f "$T/r.db"*
            # shellcheck disable=SC2086
            times_of "$VIGIL" ingest --db "$T/r.db" -j 2 --date 2023-09-29 ${DICTS[$set]} \
                "$T/in.jsonl" >>"$T/i"
        done
        rm -f "$T/r.db"*
        c=$(cut -d' ' -f1 "$T/c" | median); k=$(cut -d' ' -f1 "$T/i" | median)
        cc=$(cut -d' ' -f2 "$T/c" | median); kc=$(cut -d' ' -f2 "$T/i" | median)
        printf '%-8s %9d | %6.2f (%5.2f) %11.0f | %6.2f (%5.2f) %11.0f | %5.0f%% %8.0f%%\n' "$set" \
            "$sent" "$c" "$cc" "$(calc "$sent / $c")" "$k" "$kc" "$(calc "$sent / $k")" \
            "$(calc "100 * $c / $k")" "$(calc "100 * $cc / $kc")"
    done
}
case "${1:-all}" in
    ratio) ratio "${2:-3}" ;;
    defaults|tabari|phoenix) run "$1" ;;
    *) run defaults; run tabari; run phoenix ;;
esac
