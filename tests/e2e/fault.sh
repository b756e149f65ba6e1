#!/bin/bash
# fault.sh -- `vigil ingest` into SQLite when the disk fails: full (file
# size limit, and a small tmpfs when root can mount one), EIO on write and
# fsync (tests/fault/fault.c preloaded), a read-only database file or
# directory; and every command on a corrupt store (garbage, truncated,
# damaged header, damaged pages).  A failed ingest must exit 2 with a clear
# message, leave the store intact (integrity_check, whole batches, exact
# counts), and a rerun must give the store of a clean run (dbtool.py's
# canonical dump, and the CSV export).  A corrupt store gets a clear error
# and exit 2 from every command, never a crash or a sanitizer report.
# Prints TAP lines.
set -u
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
FX=tests/fixtures/store
T=$(mktemp -d)
SMALL=$T/small
trap 'umount "$SMALL" 2>/dev/null; chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
export VIGIL_GAZETTEER=/nonexistent
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
BATCH=10
ING=("$VIGIL" ingest --verbs "$FX/mini.verbs" --actors "$FX/mini.actors" --date 2023-10-05
     --batch $BATCH)
. tests/fault/shim.sh
py() { "$PY" "$FX/dbtool.py" "$@"; }
is() {
    if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1"; echo "# got '$2', want '$3'"; fi
}
like() {  # NAME FILE REGEX: the file matches (grep -E)
    if grep -Eq "$3" "$2"; then echo "ok $1"; else echo "not ok $1"; sed 's/^/# /' "$2" | tail -3; fi
}
sanitizer() { grep -Eq 'Sanitizer|runtime error:' "$1"; }
# the last line of an ingest's stderr, which names the failure
why() { grep -v "bad date\|gazetteer\|more errors" "$1" | tail -1; }

"$PY" "$FX/dbtool.py" gen "$FX/articles.jsonl" "$T/in.jsonl" 100    # 700 articles, 100 bad, 70 batches
head -400 "$T/in.jsonl" >"$T/part.jsonl"                             # 350 articles
N=700
# the clean run, through the shim when it builds: it counts the writes and fsyncs
shim=
build_shim "$T" && shim=with_shim
FAULT_PATH=$T/clean.db FAULT_TIMES=0 FAULT_LOG=$T/calls $shim "${ING[@]}" --db "$T/clean.db" \
    "$T/in.jsonl" 2>"$T/err"
is fault_clean_run "$? $(py q "$T/clean.db" "SELECT count(*) FROM articles")" "1 $N"
"$VIGIL" export --db "$T/clean.db" --format csv >"$T/clean.csv"

# after a fault (its run ended with RC, WANT expected): the store is intact;
# a rerun (no fault) completes it and gives the clean run's store and export
rerun_same() {  # NAME DB RC WANT [MIN]: MIN articles kept (default 1)
    local name=$1 db=$2 rc got state
    state=$(py intact "$db" $BATCH)              # "ok N" or what is wrong
    [[ $state =~ ^ok\ ([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -ge "${5:-1}" ] && state=ok
    is "${name}_intact" "$3 $state" "$4 ok"
    "${ING[@]}" --db "$db" "$T/in.jsonl" 2>"$T/rerr"; rc=$?
    got=$(py same "$db" "$T/clean.db")
    "$VIGIL" export --db "$db" --format csv >"$T/x.csv" 2>>"$T/rerr"
    cmp -s "$T/x.csv" "$T/clean.csv" || got="$got, export differs"
    sanitizer "$T/rerr" && got="$got, sanitizer report"
    is "${name}_rerun_equals_clean" "$rc $got" "1 same"
}
articles() { py q "$1" "SELECT count(*) FROM articles" 2>/dev/null || echo 0; }

# ---- disk full: the file size limit
(trap '' XFSZ; ulimit -f 300; exec "${ING[@]}" --db "$T/ulimit.db" "$T/in.jsonl") 2>"$T/err"
is fault_ulimit_exit "$?" 2
# EFBIG is an I/O error to SQLite, ENOSPC "full": either names the disk
like fault_ulimit_message "$T/err" '(disk is full|disk I/O error) \((no space left|I/O error: disk full).*rerun to complete'
n=$(articles "$T/ulimit.db")
is fault_ulimit_partial "$(( n > 0 && n < N ))" 1
# still full: the same error, nothing lost
(trap '' XFSZ; ulimit -f 300; exec "${ING[@]}" --db "$T/ulimit.db" "$T/in.jsonl") 2>"$T/err"
rc=$?
is fault_ulimit_still_full "$rc $(( $(articles "$T/ulimit.db") >= n ))" "2 1"
rerun_same fault_ulimit "$T/ulimit.db" $rc 2

# ---- disk full: a 1 MB tmpfs, then grown (root, and mounting allowed)
mkdir -p "$SMALL"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m vigil-fault "$SMALL" 2>/dev/null; then
    "${ING[@]}" --db "$SMALL/t.db" "$T/in.jsonl" 2>"$T/err"
    is fault_tmpfs_exit "$?" 2
    like fault_tmpfs_message "$T/err" 'database or disk is full \(no space left'
    n=$(articles "$SMALL/t.db")
    is fault_tmpfs_partial "$(( n > 0 && n < N ))" 1
    "${ING[@]}" --db "$SMALL/t.db" "$T/in.jsonl" 2>"$T/err"
    rc=$?
    is fault_tmpfs_still_full "$rc $(( $(articles "$SMALL/t.db") >= n ))" "2 1"
    mount -o remount,size=64m "$SMALL"
    rerun_same fault_tmpfs "$SMALL/t.db" $rc 2
    umount "$SMALL"
else
    echo "ok fault_tmpfs # SKIP needs root and a tmpfs mount"
fi

# ---- EIO from the disk (LD_PRELOAD shim): writes to the log or the
# database file, fsync during a checkpoint, once or from then on
if [ -n "$shim" ]; then
    read -r _ _ _ W _ S _ WD <"$T/calls"
    echo "# a clean ingest makes $W writes ($WD to the database file itself, the rest to its" \
         "log) and $S fsyncs"
    k=0
    # OPS AFTER TIMES [PATH SUFFIX]: the first AFTER calls pass, then TIMES fail (-1: all)
    for spec in "write 2 -1" "write $((W / 3)) -1" "write $((W * 2 / 3)) 1" \
                "write $((WD / 2)) -1 \$" "sync $((S / 2)) -1"; do
        read -r ops after times suffix <<<"$spec"
        k=$((k + 1))
        db=$T/eio$k.db
        FAULT_PATH=$db${suffix:-} FAULT_OPS=$ops FAULT_AFTER=$after FAULT_TIMES=$times \
            with_shim "${ING[@]}" --db "$db" "$T/in.jsonl" 2>"$T/err"
        rc=$?
        name=fault_eio_${ops}_$k
        echo "# $name: $ops calls on $db${suffix:-*} fail after $after (times $times): $(why "$T/err")"
        is "${name}_exit" "$rc" 2
        like "${name}_message" "$T/err" 'disk I/O error \(I/O error: disk full or failing\?\)'
        sanitizer "$T/err" && echo "not ok ${name}_sanitizer"
        rerun_same "$name" "$db" $rc 2 $([ $k = 1 ] && echo 0)   # the first fails at open
    done
    # the fsync of the checkpoint when the last connection closes: SQLite
    # keeps the write-ahead log, so every article is still there
    db=$T/eio-close.db
    FAULT_PATH=$db FAULT_OPS=sync FAULT_AFTER=$((S - 1)) with_shim \
        "${ING[@]}" --db "$db" "$T/in.jsonl" 2>"$T/err"
    rc=$?
    is fault_eio_close_kept "$rc $(articles "$db")" "1 $N"
    rerun_same fault_eio_close "$db" $rc 1
else
    echo "ok fault_eio # SKIP cannot build the LD_PRELOAD shim: $(head -1 "$T/shim.log")"
fi

# ---- a read-only database file, and a read-only directory (for the
# write-ahead log).  Root ignores file modes: the ingest then runs as nobody.
if [ "$(id -u)" = 0 ]; then
    as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
    as_user() { "$@"; }
fi
chmod 755 "$T"
if as_user test -x "$VIGIL" && as_user test -r "$T/in.jsonl"; then
    for kind in file dir; do
        d=$T/ro-$kind
        mkdir "$d"
        "${ING[@]}" --db "$d/s.db" "$T/part.jsonl" 2>/dev/null
        py dump "$d/s.db" >"$T/before"
        "$VIGIL" export --db "$d/s.db" --format csv >"$T/before.csv"
        if [ $kind = file ]; then           # the file read-only, the folder writable
            chmod 1777 "$d"; chmod 444 "$d/s.db"
        else                                # the folder read-only, the file writable
            [ "$(id -u)" = 0 ] && chown 65534 "$d/s.db"
            chmod 555 "$d"
        fi
        as_user "${ING[@]}" --db "$d/s.db" "$T/in.jsonl" 2>"$T/err"
        rc_ro=$?
        is "fault_readonly_${kind}_exit" "$rc_ro" 2
        like "fault_readonly_${kind}_message" "$T/err" 'readonly database \(is the database or its directory writable\?\)'
        echo "# read-only $kind: $(why "$T/err")"
        py dump "$d/s.db" >"$T/after"
        cmp -s "$T/before" "$T/after" && [ -s "$T/before" ] && echo "ok fault_readonly_${kind}_unchanged" ||
            echo "not ok fault_readonly_${kind}_unchanged"
        # readers: the export works, or says why it cannot
        as_user "$VIGIL" export --db "$d/s.db" --format csv >"$T/ro.csv" 2>"$T/err"; rc=$?
        echo "# export from the read-only $kind: exit $rc $(tail -1 "$T/err")"
        if [ $rc = 0 ]; then is "fault_readonly_${kind}_export" "$([ "$(wc -l <"$T/before.csv")" -gt 1 ] &&
                                   cmp -s "$T/ro.csv" "$T/before.csv" && echo same)" same
        else is "fault_readonly_${kind}_export" "$rc $(grep -c 'writable' "$T/err")" "2 1"; fi
        as_user "$VIGIL" series --db "$d/s.db" --dyad SRB-KSV >"$T/ro.series" 2>"$T/err"; rc=$?
        echo "# series from the read-only $kind: exit $rc $(tail -1 "$T/err")"
        if [ $rc = 0 ]; then is "fault_readonly_${kind}_series" "$(head -1 "$T/ro.series" | cut -d, -f1-3)" "period,direction,events"
        else is "fault_readonly_${kind}_series" "$rc $(grep -c 'writable' "$T/err")" "2 1"; fi
        chmod 755 "$d"; chmod 644 "$d/s.db"; chown -R "$(id -u)" "$d"
        rerun_same "fault_readonly_$kind" "$d/s.db" $rc_ro 2
    done
else
    echo "ok fault_readonly # SKIP cannot run vigil as another user here"
fi

# ---- corrupt stores: every command says so, exits 2, does not crash and
# does not write over the file
good=$T/clean.db
size=$(stat -c %s "$good")
mkdir "$T/bad"
"$PY" -c 'import random, sys
r = random.Random(13)
open(sys.argv[1], "wb").write(bytes(r.randrange(256) for _ in range(300000)))' "$T/bad/garbage.db"
head -c $((size / 2)) "$good" >"$T/bad/truncated.db"
head -c 3000 "$good" >"$T/bad/short.db"
cp "$good" "$T/bad/magic.db"; printf 'SQLite format 2' | dd of="$T/bad/magic.db" conv=notrunc 2>/dev/null
cp "$good" "$T/bad/pagesize.db"; printf '\003\000' | dd of="$T/bad/pagesize.db" bs=1 seek=16 conv=notrunc 2>/dev/null
cp "$good" "$T/bad/pages.db"
"$PY" -c 'import random, sys
r = random.Random(7); f = open(sys.argv[1], "r+b"); f.seek(4096 * 3)
f.write(bytes(r.randrange(256) for _ in range(4096 * 40)))' "$T/bad/pages.db"
for kind in garbage truncated short magic pagesize pages; do
    f=$T/bad/$kind.db
    sum=$(sha256sum "$f" | cut -d' ' -f1)
    bad=
    cmds="ingest export series serve"
    [ $kind = pages ] && cmds="$cmds alerts report"   # the same open as series: once
    for cmd in $cmds; do
        case $cmd in
            ingest) "${ING[@]}" --db "$f" "$T/part.jsonl" >/dev/null 2>"$T/err" ;;
            export) "$VIGIL" export --db "$f" --format csv >/dev/null 2>"$T/err" ;;
            series|report) "$VIGIL" $cmd --db "$f" --dyad SRB-KSV >/dev/null 2>"$T/err" ;;
            alerts) "$VIGIL" alerts --db "$f" >/dev/null 2>"$T/err" ;;
            # (not under timeout(1): its SIGCONT after forwarding SIGTERM can
            # deadlock LeakSanitizer's exit-time check in a sanitizer build)
            serve) "$VIGIL" serve --db "$f" --port 0 >/dev/null 2>"$T/err" &
                   pid=$!
                   for _ in $(seq 200); do grep -q listening "$T/err" && break
                                           kill -0 $pid 2>/dev/null || break; sleep 0.05; done
                   port=$(sed -n 's|.*listening on http://[^ ]*:\([0-9]*\)/.*|\1|p' "$T/err")
                   if [ -n "$port" ]; then      # it started: its answers say the store is broken
                       s=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
                           "http://127.0.0.1:$port/api/events?limit=500")
                       kill $pid
                       wait $pid; rc=$?
                       [ "$s" = 500 ] && [ $rc = 0 ] && grep -q malformed "$T/err" &&
                           ! sanitizer "$T/err" || bad="$bad serve(status $s, exit $rc)"
                       continue
                   fi
                   if kill -0 $pid 2>/dev/null; then    # neither listening nor gone
                       kill -9 $pid; bad="$bad serve(hung)"
                   fi
                   wait $pid ;;
        esac
        rc=$?
        if [ $rc != 2 ] || sanitizer "$T/err" ||
           ! grep -Eq 'not a database|malformed|damaged' "$T/err"; then
            bad="$bad $cmd(exit $rc: $(tail -1 "$T/err" | cut -c1-120))"
        fi
    done
    is "fault_corrupt_${kind}" "${bad:-clear errors}" "clear errors"
    # the header checks come first: nothing gets written over such a file
    case $kind in garbage|magic|pagesize|short)
        is "fault_corrupt_${kind}_untouched" "$(sha256sum "$f" | cut -d' ' -f1) ${bad:-after clear errors}" \
            "$sum after clear errors" ;;
    esac
done
