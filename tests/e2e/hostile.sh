#!/bin/bash
# hostile.sh -- `vigil serve` under hostile requests: path traversal (plain,
# encoded, symlinks out of the asset folder), other methods and bodies,
# oversized URLs, headers and parameters, bad parameter values, a foreign
# Host, connection floods and slow clients.  The server must answer with
# the right status and a JSON reason, never leak a file, never write the
# store, and stay up.  Needs curl, jq and python3.
. "$(dirname "$0")/../lib.sh"
TMPD=$TMP
. "$ROOT/tests/fixtures/serve_lib.sh"
for t in curl jq python3 sha256sum; do
    command -v $t > /dev/null || { skip hostile "no $t"; exit 0; }
done
trap 'stop_server > /dev/null 2>&1; rm -rf "$TMP"' EXIT
make_db || { fail hostile_fixture; exit 0; }
sum_before=$(sha256sum "$DB" | cut -d' ' -f1)
A=$TMP/assets
mkdir -p "$A/sub" "$TMP/outside"
printf '<!doctype html><title>ok</title>\n' > "$A/index.html"
printf 'SECRET-OUTSIDE\n' > "$TMP/outside/secret.txt"
printf 'SECRET-HIDDEN\n' > "$A/.hidden"
ln -s "$TMP/outside/secret.txt" "$A/link.txt"
ln -s "$TMP/outside" "$A/sub/out"
ln -s /etc/passwd "$A/passwd"
start_server --assets "$A" --timeout 2 --max-conn 40 --per-ip 30 \
    || { fail hostile_server_start "$(cat "$TMP/serve.log")"; exit 0; }
HP=127.0.0.1:$PORT

# status of a raw path (no normalisation by curl)
status() { curl -s --path-as-is -o "$TMP/body" -w '%{http_code}' --max-time 10 "$@"; }
leak() { grep -q 'SECRET\|root:' "$TMP/body"; }
alive() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://$HP/api/meta")" = 200 ]; }
expect() {  # expect NAME WANT_REGEX STATUS
    # "closed" or 000 (no answer) must not mean the server is gone: it still answers
    if [[ $3 =~ ^($2)$ ]] && ! leak && { [[ ! $3 =~ ^(closed|000)$ ]] || alive; }; then ok "$1"
    else fail "$1" "status $3: $(head -c 200 "$TMP/body")"; fi
}
json_reason() { jq -e '.error | length > 0' "$TMP/body" > /dev/null 2>&1; }

# ---- static files stay in their folder
expect hostile_static_ok 200 "$(status "http://$HP/index.html")"
for p in '/../etc/passwd' '/../../../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/..%2f..%2fetc%2fpasswd' \
         '/%2e%2e%2f%2e%2e%2fetc%2fpasswd' '/sub/../../outside/secret.txt' '/sub/%2e%2e/%2e%2e/outside/secret.txt' \
         '//etc/passwd' '/.hidden' '/sub/.%2e/index.html' '/..\\..\\etc\\passwd' '/index.html%00.js' \
         '/%252e%252e/etc/passwd' '/link.txt' '/passwd' '/sub/out/secret.txt' '/sub/out/' '/sub/' '/sub' \
         "/$TMP/outside/secret.txt" '/etc/passwd' '/proc/self/environ'; do
    s=$(status "http://$HP$p")
    name=hostile_path_$(printf '%s' "$p" | tr -c 'A-Za-z0-9' '_' | cut -c1-40)
    expect "$name" '400|404' "$s"
done
# an absolute-form request target
s=$(printf 'GET http://evil.example/etc/passwd HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$HP" \
    | timeout 5 python3 -c 'import socket,sys
s=socket.create_connection(("127.0.0.1",'"$PORT"')); s.sendall(sys.stdin.buffer.read())
d=b""
while True:
    b=s.recv(65536)
    if not b: break
    d+=b
print(d.split(b" ")[1].decode() if d else "closed"); sys.stdout.flush()
open("'"$TMP/body"'","wb").write(d)')
expect hostile_absolute_target '400|404|closed' "$s"

# ---- read only: other methods, bodies
for m in POST PUT DELETE PATCH OPTIONS; do
    expect "hostile_method_$m" 405 "$(status -X $m "http://$HP/api/events")"
done
expect hostile_post_body '405|413' "$(status -X POST --data 'x=1' "http://$HP/api/events")"
expect hostile_get_body 413 "$(status -X GET -H 'Content-Type: text/plain' --data-binary 'hello' "http://$HP/api/meta")"
expect hostile_chunked 413 "$(status -H 'Transfer-Encoding: chunked' --data-binary 'hello' -X GET "http://$HP/api/meta")"

# ---- sizes
long=$(head -c 100000 /dev/zero | tr '\0' 'a')
expect hostile_long_url '400|414|431|closed|000' "$(status "http://$HP/api/events?dyad=$long")"
expect hostile_long_header '400|413|431|000' "$(status -H "X-Big: $long" "http://$HP/api/meta")"
expect hostile_many_headers '200|400|413|431|000' "$(status $(for i in $(seq 300); do printf -- '-H X-%d:%s ' $i aaaaaaaaaaaaaaaa; done) "http://$HP/api/meta")"
v300=$(head -c 300 /dev/zero | tr '\0' 'A')
expect hostile_long_value 400 "$(status "http://$HP/api/events?place=$v300")"
json_reason && ok hostile_long_value_json || fail hostile_long_value_json
many=$(for i in $(seq 20); do printf 'x%d=1&' $i; done)
expect hostile_many_params 400 "$(status "http://$HP/api/events?$many")"
expect hostile_long_path '400|404|414' "$(status "http://$HP/$(head -c 2000 /dev/zero | tr '\0' 'b')")"

# ---- bad parameter values: 400 with a JSON reason
while read -r name q; do
    s=$(status "http://$HP$q")
    if [ "$s" = 400 ] && json_reason; then ok "hostile_param_$name"; else fail "hostile_param_$name" "$s $(head -c 200 "$TMP/body")"; fi
done <<'LIST'
dyad_sql /api/events?dyad=SRB%27%3B%20DROP%20TABLE%20events%3B--
dyad_nodash /api/series?dyad=SRBKSV
dyad_missing /api/series?by=week
dyad_three /api/series?dyad=SRB-KSV-USA
dyad_long /api/series?dyad=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-KSV
dyad_unicode /api/series?dyad=SR%C3%89-KSV
dyad_nul /api/events?dyad=SRB%00-KSV
actor_pct /api/events?actor=SRB%25
limit_zero /api/events?limit=0
limit_big /api/events?limit=501
limit_neg /api/events?limit=-1
limit_text /api/events?limit=ten
limit_float /api/events?limit=1.5
limit_overflow /api/events?limit=99999999999999999999999
date_month13 /api/events?from=2023-13-01
date_feb30 /api/series?dyad=SRB-KSV&from=2023-02-30
date_format /api/events?to=24/09/2023
date_order /api/series?dyad=SRB-KSV&from=2023-10-01&to=2023-09-01
by_year /api/series?dyad=SRB-KSV&by=year
too_many_days /api/series?dyad=SRB-KSV&by=day&from=1900-01-01&to=2023-12-31
cursor_junk /api/events?cursor=abc
cursor_sql /api/events?cursor=2023-01-01.1%20OR%201=1
code_letters /api/events?code=19a
code_long /api/events?code=19000
root_range /api/events?root=21
quad_range /api/events?quad=5
country_lower /api/events?country=srb
place_ctrl /api/events?place=a%0Ab
unknown_param /api/events?sort=date
duplicate_param /api/events?limit=5&limit=6
since_bad /api/alerts?since=yesterday
dyads_limit /api/dyads?limit=1000
meta_param /api/meta?x=1
ids_text /api/events?ids=1,x
ids_empty /api/events?ids=1,,2
ids_many /api/events?ids=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99,100,101
ids_sql /api/events?ids=1)%20OR%20(1=1
event_id_text /api/events/abc
event_id_big /api/events/99999999999999999999999
event_id_neg /api/events/-1
event_id_param /api/events/1?x=1
LIST
expect hostile_unknown_endpoint 404 "$(status "http://$HP/api/nope")"
json_reason && ok hostile_unknown_endpoint_json || fail hostile_unknown_endpoint_json

# ---- DNS rebinding guard
expect hostile_foreign_host 403 "$(status -H 'Host: evil.example' "http://$HP/api/meta")"
expect hostile_localhost_host 200 "$(status -H "Host: localhost:$PORT" "http://$HP/api/meta")"

# ---- malformed requests
raw() {  # raw BYTES -> first status code or "closed"
    printf "$1" | timeout 8 python3 -c 'import socket,sys
s=socket.create_connection(("127.0.0.1",'"$PORT"')); s.settimeout(6); s.sendall(sys.stdin.buffer.read())
try: d=s.recv(4096)
except Exception: d=b""
print(d.split(b" ")[1].decode() if d.startswith(b"HTTP/") else "closed")'
}
expect hostile_garbage '400|closed' "$(raw 'GARBAGE\r\n\r\n')"
expect hostile_no_version '400|404|505|closed' "$(raw 'GET /api/meta\r\n\r\n')"
expect hostile_bad_version '400|505|closed' "$(raw 'GET /api/meta HTTP/9.9\r\nHost: x\r\n\r\n')"
expect hostile_binary '400|closed' "$(raw '\x00\x01\x02\xff\xfe\r\n\r\n')"
expect hostile_bad_header '400|closed' "$(raw 'GET /api/meta HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n')"

# ---- many connections, slow clients: capped, timed out, server stays up
python3 - "$PORT" > "$TMP/flood.out" 2>&1 <<'PY'
import socket, sys, time
port = int(sys.argv[1])
held = []
for i in range(200):                      # far above --max-conn 40
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n")   # never finished
        held.append(s)
    except OSError:
        pass
time.sleep(5)                             # past --timeout 2: idle ones are dropped
closed = 0
for s in held:
    try:
        s.settimeout(0.5)
        if s.recv(1) == b"":
            closed += 1
    except socket.timeout:
        pass
    except OSError:
        closed += 1
print(len(held), closed)
PY
read -r opened closed < "$TMP/flood.out"
[ "${opened:-0}" -ge 100 ] && [ "${closed:-0}" -ge "$opened" ] && ok hostile_slow_clients_timed_out ||
    fail hostile_slow_clients_timed_out "$(cat "$TMP/flood.out")"
expect hostile_alive_after_flood 200 "$(status "http://$HP/api/meta")"
pids=()
for i in $(seq 60); do curl -s -o /dev/null --max-time 10 "http://$HP/api/events?limit=500" & pids+=($!); done
wait "${pids[@]}"
expect hostile_alive_after_burst 200 "$(status "http://$HP/api/series?dyad=SRB-KSV")"
kill -0 "$SERVER_PID" 2>/dev/null && ok hostile_server_up || fail hostile_server_up
stop_server; s=$?
[ $s -eq 0 ] && ok hostile_clean_exit || fail hostile_clean_exit "exit $s: $(tail -5 "$TMP/serve.log")"
[ "$(sha256sum "$DB" | cut -d' ' -f1)" = "$sum_before" ] && ok hostile_store_unchanged || fail hostile_store_unchanged
