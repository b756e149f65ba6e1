#!/bin/bash
# export_load.sh -- every export loaded as its users load it: Python's csv
# and json modules, pandas (read_csv, read_json), and R (read.delim,
# read.csv, jsonlite::stream_in when installed), as docs/export.md says to
# read them.  Each load must give the documented number of columns, numeric
# columns as numbers, and every stored event id back exactly once (PLOVER:
# those with a PLOVER category).  Two stores: the bundled examples/ (default
# dictionaries, the model's method and confidence, "---" actor codes) and
# the store fixture with issues and week/month dates.  TAP lines; pandas
# and R parts SKIP when missing.
source "$(dirname "$0")/../lib.sh"
export VIGIL_GAZETTEER=/nonexistent
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
FX=$ROOT/tests/fixtures/store
"$VIGIL" ingest --db "$TMP/examples.db" "$ROOT/examples" 2>/dev/null
"$VIGIL" ingest --db "$TMP/fixture.db" --verbs "$FX/mini.verbs" --actors "$FX/mini.actors" \
    --issues "$ROOT/dict/issues.txt" --date 2023-10-05 "$FX/articles.jsonl" "$FX/oneaday.jsonl" 2>/dev/null
for s in examples fixture; do
    db=$TMP/$s.db
    mkdir -p "$TMP/$s"
    for f in phoenix gdelt icews csv plover; do
        "$VIGIL" export --db "$db" --format "$f" >"$TMP/$s/$f" 2>>"$TMP/err" ||
            fail "export_load_${s}_$f" "$(tail -2 "$TMP/err")"
    done
    "$VIGIL" export --db "$db" --format csv --with-text >"$TMP/$s/csvtext" 2>>"$TMP/err"
    "$VIGIL" export --db "$db" --format plover --with-text >"$TMP/$s/plovertext" 2>>"$TMP/err"
    # the ids a load must give back
    "$PY" -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
open(sys.argv[2] + '/ids', 'w').write(''.join('%d\n' % r[0] for r in db.execute('SELECT id FROM events ORDER BY id')))
open(sys.argv[2] + '/plover_ids', 'w').write(''.join('%d\n' % r[0] for r in db.execute('SELECT id FROM events WHERE plover IS NOT NULL ORDER BY id')))
" "$db" "$TMP/$s"
done

# ---- Python: csv, json, pandas
"$PY" - "$TMP" <<'PY'
import csv, json, os, sys
T = sys.argv[1]
SPEC = {  # format: (columns, id column, numeric columns, integer columns)
    "phoenix": (26, "EventID", ["GoldsteinScore", "Lat", "Lon"], ["EventID", "Year", "Month", "Day", "QuadClass"]),
    "gdelt": (61, "GLOBALEVENTID", ["GoldsteinScale", "ActionGeo_Lat", "ActionGeo_Long", "FractionDate"],
              ["GLOBALEVENTID", "SQLDATE", "NumMentions", "NumSources", "NumArticles", "QuadClass"]),
    "icews": (20, "Event ID", ["Intensity", "Latitude", "Longitude"], ["Event ID", "Sentence Number"]),
    "csv": (33, "event_id", ["goldstein", "lat", "lon", "confidence"],
            ["event_id", "quad", "num_mentions", "num_articles", "num_sources", "sentence_no"]),
    "csvtext": (34, "event_id", ["goldstein", "confidence"], ["event_id", "sentence_no"]),
}
def say(ok, name, why=""):
    print(("ok " if ok else "not ok ") + name)
    if not ok: print("# " + str(why)[:400])
try:
    import pandas as pd
except ImportError:
    pd = None
for s in ("examples", "fixture"):
    d = os.path.join(T, s)
    ids = [int(x) for x in open(os.path.join(d, "ids"))]
    pids = [int(x) for x in open(os.path.join(d, "plover_ids"))]
    assert ids, "no events in " + s
    for f, (ncol, idc, nums, ints) in SPEC.items():
        p = os.path.join(d, f)
        name = "export_load_%s_%s" % (s, f)
        try:
            if f.startswith("csv"):
                rows = list(csv.reader(open(p, newline="", encoding="utf-8"), strict=True))
            else:
                rows = list(csv.reader(open(p, newline="", encoding="utf-8"), delimiter="\t",
                                       quoting=csv.QUOTE_NONE))
            head, body = rows[0], rows[1:]
            assert len(head) == ncol and all(len(r) == ncol for r in body), (len(head), ncol)
            got = [int(r[head.index(idc)]) for r in body]
            assert sorted(got) == ids, (len(got), len(ids))
            for c in nums:
                [float(r[head.index(c)]) for r in body if r[head.index(c)]]
            say(True, name + "_csv_module")
        except Exception as e:
            say(False, name + "_csv_module", repr(e))
        if pd is None:
            print("ok %s_pandas # SKIP no pandas (apt-get install python3-pandas)" % name)
            continue
        try:
            kw = dict(keep_default_na=False, na_values=[""], dtype={"code": str, "root": str})
            df = (pd.read_csv(p, **kw) if f.startswith("csv")
                  else pd.read_csv(p, sep="\t", quoting=csv.QUOTE_NONE, **kw))
            assert df.shape == (len(ids), ncol), df.shape
            assert sorted(df[idc].tolist()) == ids
            for c in ints:
                assert str(df[c].dtype) == "int64", (c, df[c].dtype)
            for c in nums:
                assert str(df[c].dtype) in ("float64", "int64") or df[c].isna().all(), (c, df[c].dtype)
            if f.startswith("csv"):
                assert all(len(x) in (3, 4) for x in df["code"]), "code lost its zeros"
                assert set(df["date_precision"]) <= {"day", "week", "month", "year", "article"}
                assert set(df["method"].dropna()) <= {"dictionary", "both", "model"}
                assert df["confidence"].dropna().between(0, 1).all()
                pd.to_datetime(df["date"], format="%Y-%m-%d")
            say(True, name + "_pandas")
        except Exception as e:
            say(False, name + "_pandas", repr(e))
    for f in ("plover", "plovertext"):
        name = "export_load_%s_%s" % (s, f)
        p = os.path.join(d, f)
        try:
            recs = [json.loads(l) for l in open(p, encoding="utf-8")]
            assert sorted(int(r["id"][6:]) for r in recs) == pids
            assert all({"id", "date", "actor", "event"} <= r.keys() for r in recs)
            assert all(("text" in r) == (f == "plovertext") for r in recs)
            say(True, name + "_json")
            if pd is not None:
                df = pd.read_json(p, lines=True, dtype={"id": str})
                assert len(df) == len(pids) and sorted(int(x[6:]) for x in df["id"]) == pids
                say(True, name + "_pandas")
        except Exception as e:
            say(False, name + "_json_pandas", repr(e))
PY

# ---- R: read.delim, read.csv, jsonlite
if ! command -v Rscript >/dev/null; then
    skip export_load_r "no Rscript (apt-get install r-base-core)"
    exit 0
fi
Rscript --vanilla - "$TMP" <<'R' 2>"$TMP/r.err" || fail export_load_r_runs "$(tail -3 "$TMP/r.err")"
T <- commandArgs(trailingOnly = TRUE)[1]
say <- function(ok, name, why = "") {
    cat(if (isTRUE(ok)) "ok " else "not ok ", name, "\n", sep = "")
    if (!isTRUE(ok)) cat("# ", why, "\n", sep = "")
}
spec <- list(phoenix = list(26, "EventID", c("GoldsteinScore", "Lat", "Lon")),
             gdelt = list(61, "GLOBALEVENTID", c("GoldsteinScale", "ActionGeo_Lat", "NumMentions")),
             icews = list(20, "Event.ID", c("Intensity", "Latitude", "Sentence.Number")),
             csv = list(33, "event_id", c("goldstein", "lat", "lon", "confidence", "num_mentions")),
             csvtext = list(34, "event_id", c("goldstein", "confidence")))
have_jsonlite <- requireNamespace("jsonlite", quietly = TRUE)
for (s in c("examples", "fixture")) {
    d <- file.path(T, s)
    ids <- as.integer(readLines(file.path(d, "ids")))
    pids <- as.integer(readLines(file.path(d, "plover_ids")))
    for (f in names(spec)) {
        sp <- spec[[f]]
        name <- sprintf("export_load_%s_%s_r", s, f)
        res <- tryCatch({
            p <- file.path(d, f)
            df <- if (startsWith(f, "csv"))
                read.csv(p, na.strings = "", encoding = "UTF-8", colClasses = c(code = "character", root = "character"))
            else read.delim(p, quote = "", comment.char = "", na.strings = "", encoding = "UTF-8")
            stopifnot(ncol(df) == sp[[1]], nrow(df) == length(ids))
            stopifnot(is.integer(df[[sp[[2]]]]), identical(sort(df[[sp[[2]]]]), ids))
            for (c in sp[[3]]) if (!all(is.na(df[[c]]))) stopifnot(is.numeric(df[[c]]))
            if (startsWith(f, "csv")) {
                stopifnot(all(nchar(df$code) >= 3), !anyNA(as.Date(df$date)))
                stopifnot(all(df$method %in% c("dictionary", "both", "model", NA)))
            }
            TRUE
        }, error = function(e) conditionMessage(e))
        say(isTRUE(res), name, res)
    }
    for (f in c("plover", "plovertext")) {
        name <- sprintf("export_load_%s_%s_jsonlite", s, f)
        if (!have_jsonlite) { cat("ok ", name, " # SKIP no jsonlite (apt-get install r-cran-jsonlite)\n", sep = ""); next }
        res <- tryCatch({
            df <- jsonlite::stream_in(file(file.path(d, f)), verbose = FALSE)
            stopifnot(nrow(df) == length(pids),
                      identical(sort(as.integer(sub("^vigil-", "", df$id))), pids),
                      ("text" %in% names(df)) == (f == "plovertext"))
            TRUE
        }, error = function(e) conditionMessage(e))
        say(isTRUE(res), name, res)
    }
}
R
