#!/bin/bash
# api.sh -- `vigil serve` JSON API and the series/alerts/report commands on
# the fixture store (tests/fixtures/make_fixture_db.sh), checked against
# direct SQL counts.  Needs curl, jq and sqlite3 (SKIPs without them).
. "$(dirname "$0")/../lib.sh"
TMPD=$TMP
. "$ROOT/tests/fixtures/serve_lib.sh"
for t in curl jq sqlite3; do
    command -v $t > /dev/null || { skip api "no $t"; exit 0; }
done
trap 'stop_server > /dev/null 2>&1; rm -rf "$TMP"' EXIT
make_db || { fail api_fixture "$(cat "$TMP/gen.log")"; exit 0; }
mkdir -p "$TMP/assets"
printf '<!doctype html><title>t</title>\n' > "$TMP/assets/index.html"
printf 'console.log(1)\n' > "$TMP/assets/app.js"
start_server --assets "$TMP/assets" || { fail api_server_start "$(cat "$TMP/serve.log")"; exit 0; }

get() { curl -s --max-time 20 "$BASE$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$BASE$1"; }
sql() { sqlite3 "$DB" "$1"; }
is() {  # is NAME GOT WANT
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
DYAD="((source >= 'SRB' AND source < 'SRC' AND target >= 'KSV' AND target < 'KSW') OR (source >= 'KSV' AND source < 'KSW' AND target >= 'SRB' AND target < 'SRC'))"

# ---- meta
is api_meta_count "$(get /api/meta | jq .events)" "$(sql 'SELECT count(*) FROM events')"

# ---- series: sums, empty periods, directions, CLI = API
S=$(get '/api/series?dyad=SRB-KSV&by=week')
is api_series_total "$(jq '.both.events | add' <<< "$S")" "$(sql "SELECT count(*) FROM events WHERE $DYAD")"
is api_series_ab "$(jq '.ab.events | add' <<< "$S")" \
   "$(sql "SELECT count(*) FROM events WHERE source >= 'SRB' AND source < 'SRC' AND target >= 'KSV' AND target < 'KSW'")"
is api_series_material "$(jq '.both.material_conflict | add' <<< "$S")" "$(sql "SELECT count(*) FROM events WHERE $DYAD AND quad = 4")"
gaps=$(jq -r '.periods[]' <<< "$S" | while read -r p; do date -ud "$p" +%s; done | awk 'NR > 1 && $1 - prev != 604800 { bad++ } { prev = $1 } END { print bad + 0 }')
is api_series_weeks_contiguous "$gaps" 0
is api_series_has_zero_weeks "$(jq '[.both.events[] | select(. == 0)] | length > 0' <<< "$S")" true
M=$(get '/api/series?dyad=SRB-KSV&by=month&from=2023-08-15&to=2023-10-31')
is api_series_month_periods "$(jq -c .periods <<< "$M")" '["2023-08","2023-09","2023-10"]'
is api_series_month_sep "$(jq '.both.events[1]' <<< "$M")" "$(sql "SELECT count(*) FROM events WHERE $DYAD AND date LIKE '2023-09-%'")"
R=$(get '/api/series?dyad=KSV-SRB&by=week')
is api_series_reversed "$(jq -c .ba.events <<< "$R")" "$(jq -c .ab.events <<< "$S")"
is api_series_cli_same "$("$VIGIL" series --dyad SRB-KSV --by week --format json --db "$DB" | jq -c .)" "$(jq -c . <<< "$S")"
is api_series_prefix_group "$(get '/api/series?dyad=SRBMIL-KSV&by=month' | jq '.both.events | add')" \
   "$(sql "SELECT count(*) FROM events WHERE (source LIKE 'SRBMIL%' AND target LIKE 'KSV%') OR (source LIKE 'KSV%' AND target LIKE 'SRBMIL%')")"
csv=$("$VIGIL" series --dyad SRB-KSV --by month --from 2023-01-01 --to 2023-12-31 --db "$DB")
is cli_series_csv_rows "$(wc -l <<< "$csv")" $((1 + 12 * 3))
is cli_series_csv_header "$(head -1 <<< "$csv")" "period,direction,events,q1,q2,q3,q4,material_conflict,goldstein_sum,goldstein_mean,cci"

# ---- events: filters, ordering, pagination
E=$(get '/api/events?dyad=SRB-KSV&limit=10')
is api_events_limit "$(jq '.events | length' <<< "$E")" 10
is api_events_sorted "$(jq '[.events[].date] == ([.events[].date] | sort | reverse)' <<< "$E")" true
n=0; cursor=; pages=0; ids=$TMP/ids
: > "$ids"
while :; do
    P=$(get "/api/events?dyad=SRB-KSV&limit=97${cursor:+&cursor=$cursor}")
    jq -r '.events[].id' <<< "$P" >> "$ids"
    cursor=$(jq -r '.next // empty' <<< "$P")
    pages=$((pages + 1))
    [ -z "$cursor" ] || [ $pages -gt 50 ] && break
done
is api_events_pages_cover "$(sort -u "$ids" | wc -l)" "$(sql "SELECT count(*) FROM events WHERE $DYAD")"
is api_events_pages_no_dup "$(wc -l < "$ids")" "$(sort -u "$ids" | wc -l)"
is api_events_root "$(get '/api/events?root=19&limit=500' | jq '[.events[].root] | unique | join(",")' -r)" 19
is api_events_code "$(get '/api/events?code=173&dyad=SRB-KSV&limit=500' | jq '.events | length')" \
   "$(sql "SELECT count(*) FROM events WHERE code = '173' AND $DYAD")"
is api_events_actor "$(get '/api/events?actor=SRBMIL&limit=500' | jq '[.events[] | select((.source | startswith("SRBMIL")) or (.target | startswith("SRBMIL")))] | length')" \
   "$(sql "SELECT count(*) FROM events WHERE source LIKE 'SRBMIL%' OR target LIKE 'SRBMIL%'")"
is api_events_place "$(get '/api/events?place=banjska&limit=500' | jq '.events | length')" "$(sql "SELECT count(*) FROM events WHERE place_name = 'Banjska'")"
is api_events_country "$(get '/api/events?country=KSV&quad=4&from=2023-09-24&to=2023-09-30&limit=500' | jq '.events | length')" \
   "$(sql "SELECT count(*) FROM events WHERE place_country = 'KSV' AND quad = 4 AND date BETWEEN '2023-09-24' AND '2023-09-30'")"

drv=$(get '/api/alerts?dyad=SRB-KSV&since=2023-09-01' | jq -r '.alerts[0].drivers | join(",")')
I=$(get "/api/events?ids=$drv&limit=100")
is api_events_ids "$(jq -r '[.events[].id] | sort | join(",")' <<< "$I")" "$(tr ',' '\n' <<< "$drv" | sort -n | paste -sd,)"
# none of them in another dyad (an error answer has no events array: no pass)
is api_events_ids_dyad "${drv:+$(get "/api/events?ids=$drv&dyad=USA-CHN" | jq -c '[(.events | type), (.events | length)]')}" '["array",0]'

# ---- events as CSV: every row, the header, paging through X-Next-Cursor
n_dyad=$(sql "SELECT count(*) FROM events WHERE $DYAD")
C=$TMP/events.csv
curl -s -D "$TMP/csv.h" -o "$C" "$BASE/api/events?dyad=SRB-KSV&format=csv&limit=5000"
is api_csv_type "$(grep -i '^content-type' "$TMP/csv.h" | tr -d '\r')" "Content-Type: text/csv; charset=utf-8"
is api_csv_rows "$(python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8"), strict=True))
assert rows[0][:3] == ["id", "date", "date_precision"] and rows[0][-3:] == ["method", "confidence", "issues"]
assert all(len(r) == len(rows[0]) == 29 for r in rows)
print(len(set(r[0] for r in rows[1:])))' "$C" 2>&1)" "$n_dyad"
grep -qi '^x-next-cursor' "$TMP/csv.h" && fail api_csv_last_page_no_cursor || ok api_csv_last_page_no_cursor
: > "$TMP/csv.ids"; cursor=; pages=0
while :; do
    curl -s -D "$TMP/p.h" -o "$TMP/p.csv" "$BASE/api/events?dyad=SRB-KSV&format=csv&limit=400${cursor:+&cursor=$cursor}"
    tail -n +2 "$TMP/p.csv" | cut -d, -f1 >> "$TMP/csv.ids"
    cursor=$(sed -n 's/^[Xx]-[Nn]ext-[Cc]ursor: *\([^\r]*\).*/\1/p' "$TMP/p.h")
    pages=$((pages + 1))
    [ -z "$cursor" ] || [ $pages -gt 50 ] && break
done
is api_csv_pages "$pages $(sort -u "$TMP/csv.ids" | wc -l) $(wc -l < "$TMP/csv.ids")" \
   "$(( (n_dyad + 399) / 400 )) $n_dyad $n_dyad"
is api_csv_bad_format "$(code '/api/events?format=xml')" 400
is api_csv_limit "$(code '/api/events?format=csv&limit=5001') $(code '/api/events?limit=501')" "400 400"
is api_events_coding_fields "$(get '/api/events?limit=1' | jq -c '.events[0] | [has("method"), has("confidence"), has("issues")]')" '[true,true,true]'

# ---- how events were coded: method and confidence filters
sqlite3 "$DB" "UPDATE events SET method = 'model', confidence = 0.91, issues = '[{\"code\":\"CEASEFIRE\",\"count\":2}]'
  WHERE id IN (SELECT id FROM events WHERE $DYAD ORDER BY id LIMIT 7)"
M=$(get '/api/events?dyad=SRB-KSV&method=model&limit=500')
is api_events_method "$(jq '.events | length' <<< "$M") $(jq -c '[.events[].issues[0].code] | unique' <<< "$M")" '7 ["CEASEFIRE"]'
is api_events_min_confidence "$(get '/api/events?min_confidence=0.9&limit=500' | jq '.events | length')" 7
is api_events_bad_method "$(code '/api/events?method=guess') $(code '/api/events?min_confidence=2')" "400 400"
is api_csv_issues "$(curl -s "$BASE/api/events?method=model&format=csv" | tail -n +2 | grep -c ',model,0.910,"CEASEFIRE,2"')" 7

# ---- CORS: off by default; --cors names the origins that may read the API
h=$(curl -s -D - -o /dev/null -H 'Origin: http://localhost:3000' "$BASE/api/meta")
grep -qi '^access-control-allow-origin' <<< "$h" && fail api_cors_off_by_default || ok api_cors_off_by_default
is api_cors_off_preflight "$(curl -s -o /dev/null -w '%{http_code}' -X OPTIONS -H 'Origin: http://localhost:3000' "$BASE/api/meta")" 405
"$VIGIL" serve --db "$DB" --port 0 --cors 'http://localhost:3000/app' >/dev/null 2>"$TMP/cors.err"
is api_cors_bad_origin "$? $(grep -c 'no path' "$TMP/cors.err")" "2 1"
"$VIGIL" serve --db "$DB" --port 0 --cors 'https://a.example,http://localhost:3000' 2>"$TMP/cors.log" &
CPID=$!
for i in $(seq 1 100); do
    CPORT=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\)/.*|\1|p' "$TMP/cors.log"); [ -n "$CPORT" ] && break; sleep 0.1
done
cb=http://127.0.0.1:$CPORT
h=$(curl -s -D - -o /dev/null -H 'Origin: http://localhost:3000' "$cb/api/events?limit=1&format=csv")
grep -qi '^access-control-allow-origin: http://localhost:3000' <<< "$h" &&
  grep -qi '^access-control-expose-headers: x-next-cursor' <<< "$h" &&
  grep -qi '^cross-origin-resource-policy: cross-origin' <<< "$h" && ok api_cors_allowed || fail api_cors_allowed "$h"
h=$(curl -s -D - -o /dev/null -H 'Origin: https://evil.example' "$cb/api/meta")
grep -qi '^access-control-allow-origin' <<< "$h" && fail api_cors_other_origin "$h" || ok api_cors_other_origin
is api_cors_preflight "$(curl -s -o /dev/null -w '%{http_code}' -X OPTIONS -H 'Origin: https://a.example' "$cb/api/events")" 204
is api_cors_error_readable "$(curl -s -D - -o /dev/null -H 'Origin: https://a.example' "$cb/api/events?limit=0" | grep -ci '^access-control-allow-origin: https://a.example')" 1
h=$(curl -s -D - -o /dev/null -H 'Origin: http://localhost:3000' "$cb/")
grep -qi '^access-control-allow-origin' <<< "$h" && fail api_cors_not_static || ok api_cors_not_static
kill "$CPID"; wait "$CPID" 2>/dev/null

# ---- one event: the explanation
big=$(sql "SELECT id FROM events ORDER BY num_mentions DESC LIMIT 1")
X=$(get "/api/events/$big")
is api_event_mentions "$(jq '.mentions | length' <<< "$X")" "$(sql "SELECT count(*) FROM mentions WHERE event_id = $big")"
is api_event_num_mentions "$(jq '.event.num_mentions' <<< "$X")" 40
is api_event_sentences "$(jq '[.mentions[] | select(.sentence | length > 20)] | length' <<< "$X")" 40
is api_event_links "$(jq '[.mentions[].article.url | select(startswith("https://"))] | length' <<< "$X")" 40
is api_event_matched "$(jq -r '.mentions[0].matched.pattern | type' <<< "$X")" string
is api_event_code_name "$(jq -r '.event.code_name' <<< "$X")" "Arrest, detain, or charge with legal action"
is api_event_404 "$(code /api/events/99999999)" 404

# ---- alerts, dyads, places
A=$(get /api/alerts)
is api_alerts_september "$(jq '[.alerts[] | select(.dyad == "KSV-SRB" and .start >= "2023-09-20" and .start <= "2023-09-24")] | length' <<< "$A")" 1
is api_alerts_drivers "$(jq '[.alerts[] | select(.dyad == "KSV-SRB")][0].drivers | length > 0' <<< "$A")" true
# no alert from the lone March event, none before --since (among alerts that are there)
is api_alerts_no_lone_event "$(jq -c '[([.alerts[] | select(.start >= "2023-03-01" and .start <= "2023-03-31")] | length), (.alerts | length > 0)]' <<< "$A")" '[0,true]'
is api_alerts_since "$(get '/api/alerts?since=2023-09-01' | jq -c '[([.alerts[] | select(.start < "2023-09-01")] | length), (.alerts | length > 0)]')" '[0,true]'
is api_alerts_dyad "$(get '/api/alerts?dyad=SRB-KSV' | jq '[.alerts[].start] | join(",")' -r)" \
   "$(jq -r '[.alerts[] | select(.dyad == "KSV-SRB") | .start] | join(",")' <<< "$A")"
is api_alerts_cli "$("$VIGIL" alerts --format json --db "$DB" | jq -c .)" "$(jq -c .alerts <<< "$A")"
D=$(get '/api/dyads?limit=3')
is api_dyads_limit "$(jq '.active | length' <<< "$D")" 3
is api_dyads_hostile "$(jq '[.hostile[].dyad] | index("KSV-SRB") != null' <<< "$D")" true
is api_places_banjska "$(get '/api/places?dyad=SRB-KSV' | jq '[.places[] | select(.name == "Banjska")] | length')" 1

# ---- static files, HEAD, headers
h=$(curl -s -D - -o /dev/null "$BASE/")
grep -qi '^content-type: text/html' <<< "$h" && ok api_static_index || fail api_static_index "$h"
grep -qi "^content-security-policy: default-src 'self'" <<< "$h" && ok api_static_csp || fail api_static_csp "$h"
is api_static_js_type "$(curl -s -o /dev/null -w '%{content_type}' "$BASE/app.js")" "text/javascript; charset=utf-8"
is api_head "$(curl -s -I -o /dev/null -w '%{http_code}' "$BASE/api/meta")" 200
grep -qi '^cache-control: no-store' <<< "$(curl -s -D - -o /dev/null "$BASE/api/meta")" && ok api_no_store || fail api_no_store

# ---- report
rep=$("$VIGIL" report --dyad SRB-KSV --from 2023-01-01 --to 2023-12-31 --db "$DB")
grep -q '█' <<< "$rep" && ok cli_report_sparkline || fail cli_report_sparkline
grep -q '2023-09-2[34] \.\. 2023-10' <<< "$rep" && ok cli_report_alert || fail cli_report_alert "$rep"
grep -q 'news.example.org' <<< "$rep" && ok cli_report_sources || fail cli_report_sources
grep -q '"Kosovo police' <<< "$rep" && ok cli_report_sentences || fail cli_report_sentences

# ---- cached answers follow the store: a commit by another process invalidates them
before=$(get '/api/series?dyad=SRB-KSV&by=month&from=2023-09-01&to=2023-09-30' | jq '.both.events[0]')
n_before=$(get /api/meta | jq .events)
sqlite3 "$DB" "INSERT INTO events (date, date_precision, source, target, code, root, quad, goldstein,
  num_mentions, num_articles, num_sources, first_seen) VALUES
  ('2023-09-15', 'day', 'SRBGOV', 'KSVGOV', '111', '11', 3, -2, 1, 1, 1, '2023-09-15')"
is api_cache_invalidated_meta "$(get /api/meta | jq .events)" $((n_before + 1))
is api_cache_invalidated_series "$(get '/api/series?dyad=SRB-KSV&by=month&from=2023-09-01&to=2023-09-30' | jq '.both.events[0]')" $((before + 1))
# X-Vigil-Cache says which: the first answer after the commit was computed,
# the next one comes from the cache
cache_hdr() { curl -s -D - -o /dev/null "$BASE$1" | tr -d '\r' | sed -n 's/^[Xx]-[Vv]igil-[Cc]ache: //p'; }
is api_cache_header_miss "$(cache_hdr '/api/series?dyad=SRB-KSV&by=month')" miss
is api_cache_header_hit "$(cache_hdr '/api/series?dyad=SRB-KSV&by=month')" hit

# ---- usage errors
"$VIGIL" series --dyad 'SRB;KSV' --db "$DB" > /dev/null 2>&1; is cli_series_bad_dyad $? 2
"$VIGIL" alerts --h -1 --db "$DB" > /dev/null 2>&1; is cli_alerts_bad_param $? 2
"$VIGIL" report --dyad SRB-KSV --db "$TMP/none.db" > /dev/null 2>&1; is cli_report_no_db $? 2

stop_server; is api_server_clean_exit $? 0
