#!/bin/bash
# export.sh -- `vigil export` in every format: the output parses with
# Python's csv module (TSV for phoenix/gdelt/icews, RFC 4180 CSV), has a
# header, no ragged rows (header fields = row fields), the documented
# column counts; PLOVER lines are JSON objects with the required fields;
# one-a-day, --dyad, --from and --to select the right events; issues,
# method and confidence reach the formats that have a place for them;
# --with-text, --exact-dates; GDELT's actor codes and SOURCEURL.  TAP lines.
# (tests/e2e/export_load.sh loads the same exports in pandas and R.)
set -u
cd "$(dirname "$0")/../.."
VIGIL=${VIGIL:-build/vigil}
FX=tests/fixtures/store
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export VIGIL_GAZETTEER=/nonexistent
py() { python3 "$FX/dbtool.py" "$@"; }
is() {
    if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1"; echo "# got '$2', want '$3'"; fi
}
DB=$T/x.db
"$VIGIL" ingest --db "$DB" --verbs "$FX/mini.verbs" --actors "$FX/mini.actors" --date 2023-10-05 \
    --issues dict/issues.txt "$FX/articles.jsonl" "$FX/oneaday.jsonl" 2>/dev/null
EV=$(py q "$DB" "SELECT count(*) FROM events")
ROWS=$(py q "$DB" "SELECT count(*) FROM (SELECT DISTINCT date, source, target, code FROM events)")

for spec in phoenix:26:tsv gdelt:61:tsv icews:20:tsv csv:33:csv; do
    IFS=: read -r fmt cols kind <<<"$spec"
    "$VIGIL" export --db "$DB" --format "$fmt" >"$T/$fmt" 2>"$T/err"
    is "export_${fmt}_exit" "$? $(( $(wc -l <"$T/$fmt") > 1 ))" "0 1"
    is "export_${fmt}_parses" "$(py table "$T/$fmt" "$cols" "$kind" 2>&1)" "$EV"
    "$VIGIL" export --db "$DB" --format "$fmt" --one-a-day >"$T/$fmt.1" 2>/dev/null
    is "export_${fmt}_one_a_day" "$(py table "$T/$fmt.1" "$cols" "$kind" 2>&1)" "$ROWS"
done
is export_one_a_day_fewer "$(( ROWS < EV ))" 1
"$VIGIL" export --db "$DB" --format plover >"$T/plover" 2>/dev/null
is export_plover_exit "$? $(( $(wc -l <"$T/plover") > 0 ))" "0 1"
PL=$(py q "$DB" "SELECT count(*) FROM events WHERE plover IS NOT NULL")
is export_plover_parses "$(py plover "$T/plover" 2>&1)" "$PL"

# values survive the round trip: quotes, commas and tabs in CSV; UTF-8
python3 - "$T/csv" <<'PY' && echo "ok export_csv_values" || echo "not ok export_csv_values"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"), strict=True))
bbc = [r for r in rows if r["article_id"] == "bbc-1"][0]
assert bbc["title"] == 'Commas, "quotes"\tand tabs', bbc["title"]
assert bbc["date"] == "2023-09-25" and bbc["date_precision"] == "week"
assert open(sys.argv[1], "rb").read().count(b"\r\n") == len(rows) + 1
PY
python3 - "$T/phoenix" "$T/gdelt" "$T/icews" <<'PY' && echo "ok export_tsv_values" || echo "not ok export_tsv_values"
import csv, sys
def rows(p):
    return list(csv.DictReader(open(p, newline="", encoding="utf-8"), delimiter="\t",
                               quoting=csv.QUOTE_NONE))
ph = [r for r in rows(sys.argv[1]) if r["SourceActorFull"] == "SRBCOP"][0]
assert (ph["Date"], ph["SourceActorEntity"], ph["SourceActorRole"], ph["EventRootCode"],
        ph["QuadClass"], ph["GoldsteinScore"]) == ("20230924", "SRB", "COP", "19", "4", "-10.0"), ph
assert ph["NewsSources"] == "AFP;Reuters" and ph["SentenceID"] == "afp-1_0", ph
gd = [r for r in rows(sys.argv[2]) if r["Actor1Code"] == "SRBCOP"][0]
assert (gd["SQLDATE"], gd["Actor1CountryCode"], gd["Actor1Type1Code"], gd["EventBaseCode"],
        gd["NumMentions"], gd["NumArticles"], gd["NumSources"], gd["IsRootEvent"]) == \
       ("20230924", "SRB", "COP", "190", "2", "2", "2", "1"), gd
assert gd["Actor1Name"] == "Serbian police" and gd["SOURCEURL"] == "https://example.org/afp/1"
ic = [r for r in rows(sys.argv[3]) if r["CAMEO Code"] == "190"][0]
assert (ic["Event Date"], ic["Source Country"], ic["Target Country"], ic["Source Sectors"],
        ic["Publisher"], ic["Sentence Number"]) == ("2023-09-24", "Serbia", "Kosovo", "COP", "AFP", "1"), ic
PY

# filters: the rows the SQL selects (some, not all of the store)
selects() {  # NAME WHERE EXPORT-OPTIONS...
    local name=$1 where=$2 n want
    shift 2
    n=$("$VIGIL" export --db "$DB" --format csv "$@" | py table /dev/stdin 33 csv)
    want=$(py q "$DB" "SELECT count(*) FROM events WHERE $where")
    is "$name" "$n $(( want > 0 && want < EV ))" "$want 1"
}
selects export_dyad "source LIKE 'SRB%' AND target LIKE 'KSV%'" --dyad SRB-KSV
selects export_dyad_target "target LIKE 'UKR%'" --dyad -UKR
selects export_dates "date BETWEEN '2023-09-24' AND '2023-09-30'" --from 2023-09-24 --to 2023-09-30
selects export_exact_dates "date_precision IN ('day', 'article')" --exact-dates

# issues, method and confidence (stored per event, from its first mention)
"$VIGIL" export --db "$DB" --format csv --with-text >"$T/csvt" 2>/dev/null
is export_csv_with_text_parses "$(py table "$T/csvt" 34 csv 2>&1)" "$EV"
"$VIGIL" export --db "$DB" --format plover --with-text >"$T/plovert" 2>/dev/null
python3 - "$DB" "$T/phoenix" "$T/csv" "$T/csvt" "$T/plovert" <<'PY' && echo "ok export_issues_method_text" || echo "not ok export_issues_method_text"
import csv, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
want = {str(i): json.loads(j) for i, j in db.execute("SELECT id, issues FROM events")}
assert any(want.values()), "the fixture has no issues"
fmt = lambda l: ";".join("%s,%d" % (x["code"], x["count"]) for x in l)
ph = {r["EventID"]: r for r in csv.DictReader(open(sys.argv[2], newline=""), delimiter="\t",
                                               quoting=csv.QUOTE_NONE)}
assert {k: r["Issues"] for k, r in ph.items()} == {k: fmt(v) for k, v in want.items()}, ph
rows = {r["event_id"]: r for r in csv.DictReader(open(sys.argv[3], newline="", encoding="utf-8"))}
assert {k: r["issues"] for k, r in rows.items()} == {k: fmt(v) for k, v in want.items()}
meth = dict((str(i), (m, c)) for i, m, c in db.execute("SELECT id, method, confidence FROM events"))
for k, r in rows.items():
    assert r["method"] == meth[k][0] and r["method"] in ("dictionary", "both", "model"), r
    assert (r["confidence"] == "") == (meth[k][1] is None), r
sent = dict(((a, str(n)), t) for a, n, t in db.execute("SELECT article_id, sentence_no, text FROM sentences"))
for r in csv.DictReader(open(sys.argv[4], newline="", encoding="utf-8"), strict=True):
    assert r["sentence"] == sent[(r["article_id"], r["sentence_no"])], r
pl = [json.loads(l) for l in open(sys.argv[5], encoding="utf-8")]
assert pl and all(p["text"] == sent[(p["cite_info"]["citation"], str(p["text_info"]["sequence"]))] for p in pl)
assert all(p["issues"] == want[p["id"][6:]] and p["method"] == meth[p["id"][6:]][0] for p in pl)
PY
"$VIGIL" export --db "$DB" --format phoenix --with-text >/dev/null 2>"$T/err"
is export_with_text_refused "$? $(grep -c 'csv and plover' "$T/err")" "2 1"

# sentence numbers: Phoenix from 0, ICEWS from 1 (docs/export.md)
python3 - "$DB" "$T/phoenix" "$T/icews" <<'PY' && echo "ok export_sentence_numbers" || echo "not ok export_sentence_numbers"
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
first = {}
for e, a, n in db.execute("SELECT event_id, article_id, sentence_no FROM mentions ORDER BY id"):
    first.setdefault(str(e), (a, n))
rd = lambda p: list(csv.DictReader(open(p, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))
for r in rd(sys.argv[2]):
    a, n = first[r["EventID"]]
    assert r["SentenceID"] == "%s_%d" % (a, n), r
for r in rd(sys.argv[3]):
    a, n = first[r["Event ID"]]
    assert (r["Story ID"], r["Sentence Number"]) == (a, str(n + 1)), r
assert any(n == 0 for a, n in first.values()) and any(n > 0 for a, n in first.values())
PY

# GDELT: the actor code without Vigil's "---" placeholder, SOURCEURL a URL or nothing
python3 -c "
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.execute(\"UPDATE events SET source = '---GOV' WHERE id = (SELECT min(id) FROM events)\")
dst.commit()" "$DB" "$T/g.db"
"$VIGIL" export --db "$T/g.db" --format gdelt >"$T/gdelt2" 2>/dev/null
python3 - "$T/gdelt2" <<'PY' && echo "ok export_gdelt_codes_urls" || echo "not ok export_gdelt_codes_urls"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))
assert rows and not any("---" in r["Actor1Code"] + r["Actor2Code"] for r in rows)
g = [r for r in rows if r["Actor1Code"] == "GOV"]
assert len(g) == 1 and g[0]["Actor1CountryCode"] == "" and g[0]["Actor1Type1Code"] == "GOV", g
urls = [r["SOURCEURL"] for r in rows]
assert all(u == "" or u.startswith("https://") for u in urls), urls
assert "" in urls and any(urls), urls
PY
"$VIGIL" export --db "$T/none.db" --format csv >/dev/null 2>"$T/err"
is export_missing_db "$?" 2
"$VIGIL" export --db "$DB" --format nope >/dev/null 2>&1
is export_bad_format "$?" 2
