#!/bin/bash
# export.sh -- `vigil export` in every format: the output parses with
# Python's csv module (TSV for phoenix/gdelt/icews, RFC 4180 CSV), has a
# header, no ragged rows (header fields = row fields), the documented
# column counts; PLOVER lines are JSON objects with the required fields;
# one-a-day, --dyad, --from and --to select the right events.  TAP lines.
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
    "$FX/articles.jsonl" "$FX/oneaday.jsonl" 2>/dev/null
EV=$(py q "$DB" "SELECT count(*) FROM events")
ROWS=$(py q "$DB" "SELECT count(*) FROM (SELECT DISTINCT date, source, target, code FROM events)")

for spec in phoenix:26:tsv gdelt:61:tsv icews:20:tsv csv:30:csv; do
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
    n=$("$VIGIL" export --db "$DB" --format csv "$@" | py table /dev/stdin 30 csv)
    want=$(py q "$DB" "SELECT count(*) FROM events WHERE $where")
    is "$name" "$n $(( want > 0 && want < EV ))" "$want 1"
}
selects export_dyad "source LIKE 'SRB%' AND target LIKE 'KSV%'" --dyad SRB-KSV
selects export_dyad_target "target LIKE 'UKR%'" --dyad -UKR
selects export_dates "date BETWEEN '2023-09-24' AND '2023-09-30'" --from 2023-09-24 --to 2023-09-30
"$VIGIL" export --db "$T/none.db" --format csv >/dev/null 2>"$T/err"
is export_missing_db "$?" 2
"$VIGIL" export --db "$DB" --format nope >/dev/null 2>&1
is export_bad_format "$?" 2
