#!/bin/bash
# End-to-end tests of compiled dictionary images (docs/dictionaries.md):
# `vigil dict compile`, --dict-image, the image cache, and images that are
# stale (a source changed), corrupt, truncated, of another version or byte
# order: detected, then rebuilt from the sources or refused with a message.
source "$(dirname "$0")/../lib.sh"
export VIGIL_CACHE_DIR=$TMP/cache
D=$TMP/dict
mkdir -p "$D"
printf 'SERBIA_ [SRB]\nKOSOVO_ [KSV]\nTHE_UNITED_NATIONS\nUN\n\t[IGOUNO]\n' >"$D/actors.txt"
printf 'POLICE {} [~COP]\nPROTESTER [~OPP]\nNOBRACKET\n' >"$D/agents.txt"
printf '&TROOPS\n+TROOPS\n+SOLDIERS\n--- ATTACK  [190] ---\nATTACK {ATTACKS ATTACKED}\n- * &TROOPS (TO BORDER) [154]\n- $ * + {WITH ARTILLERY} [195]\n' >"$D/verbs.txt"
cat >"$TMP/in.jsonl" <<'EOF'
{"id":"a","date":"2023-09-29","text":"On Sunday Serbia attacked Kosovo with artillery near the border. The UN said on Monday that Kosovo police had attacked the protesters."}
{"id":"b","date":"2023-09-29","text":"Early on Tuesday morning Kosovo attacked Serbia across the border."}
EOF
SET=(--actors "$D/actors.txt" --agents "$D/agents.txt" --verbs "$D/verbs.txt")

# the reference: the files parsed, no image anywhere
"$VIGIL" code -j 1 "${SET[@]}" --no-dict-cache "$TMP/in.jsonl" >"$TMP/parsed" 2>"$TMP/parsed.err"
if [ -s "$TMP/parsed" ] && grep -q '"code":"195"' "$TMP/parsed" && grep -q 'agents.txt:3' "$TMP/parsed.err" &&
   [ ! -d "$TMP/cache" ]; then
    ok image_reference_parsed
else
    fail image_reference_parsed "$(head -3 "$TMP/parsed.err")"
fi

# compile, then code from the image alone: the same events, the same messages
"$VIGIL" dict compile "${SET[@]}" -o "$TMP/set.vgd" >"$TMP/compile" 2>&1; rc=$?
[ $rc -eq 0 ] && [ -s "$TMP/set.vgd" ] && grep -q "set.vgd: [0-9]* bytes, 1 dictionary errors" "$TMP/compile" &&
    ok image_compile || fail image_compile "rc=$rc: $(cat "$TMP/compile")"
"$VIGIL" code -j 1 --dict-image "$TMP/set.vgd" "$TMP/in.jsonl" >"$TMP/mapped" 2>"$TMP/mapped.err"; rc=$?
[ $rc -eq 0 ] && cmp -s "$TMP/parsed" "$TMP/mapped" && cmp -s "$TMP/parsed.err" "$TMP/mapped.err" &&
    ok image_alone_same_output || fail image_alone_same_output "rc=$rc"

# refused, with a message and exit 2, never trusted: corrupt, truncated,
# another format version, another byte order
refuse() {  # NAME FILE PATTERN
    "$VIGIL" code -j 1 --dict-image "$2" "$TMP/in.jsonl" >"$TMP/out" 2>"$TMP/err"; local rc=$?
    if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q "vigil code: .*$3" "$TMP/err"; then ok "$1"
    else fail "$1" "rc=$rc: $(head -2 "$TMP/err")"; fi
}
patch_bytes() {  # FILE OFFSET HEXBYTES -> FILE.patched
    cp "$1" "$1.patched"
    printf "$3" | dd of="$1.patched" bs=1 seek="$2" conv=notrunc status=none
}
size=$(stat -c %s "$TMP/set.vgd")
patch_bytes "$TMP/set.vgd" $((size / 2)) '\x5a\xa5'
refuse image_corrupt_refused "$TMP/set.vgd.patched" "checksum mismatch"
head -c $((size - 1000)) "$TMP/set.vgd" >"$TMP/short.vgd"
refuse image_truncated_refused "$TMP/short.vgd" "truncated"
head -c 30 "$TMP/set.vgd" >"$TMP/tiny.vgd"
refuse image_tiny_refused "$TMP/tiny.vgd" "truncated"
patch_bytes "$TMP/set.vgd" 12 '\x63\x00\x00\x00'
refuse image_version_refused "$TMP/set.vgd.patched" "format version 99"
patch_bytes "$TMP/set.vgd" 8 '\x01\x02\x03\x04'
refuse image_byte_order_refused "$TMP/set.vgd.patched" "other byte order"
printf 'not an image at all, but long enough to have a header of forty-eight bytes\n' >"$TMP/text.vgd"
refuse image_not_image_refused "$TMP/text.vgd" "not a dictionary image"
refuse image_missing_refused "$TMP/nonexistent.vgd" "cannot open"

# stale: a source changed since the image was compiled
printf 'ALBANIA_ [ALB]\n' >>"$D/actors.txt"
refuse image_stale_refused "$TMP/set.vgd" "stale: .*actors.txt changed"
# ... but with its files too, it is rebuilt (and then fresh again)
"$VIGIL" code -j 1 "${SET[@]}" --dict-image "$TMP/set.vgd" "$TMP/in.jsonl" >"$TMP/rebuilt" 2>/dev/null; rc=$?
"$VIGIL" code -j 1 --dict-image "$TMP/set.vgd" "$TMP/in.jsonl" >"$TMP/again" 2>/dev/null; rc2=$?
[ $rc -eq 0 ] && [ $rc2 -eq 0 ] && cmp -s "$TMP/parsed" "$TMP/rebuilt" && cmp -s "$TMP/rebuilt" "$TMP/again" &&
    ok image_stale_rebuilt || fail image_stale_rebuilt "rc=$rc/$rc2"
# a corrupt image given with its files is rebuilt too
size=$(stat -c %s "$TMP/set.vgd")
printf '\xff\xff\xff\xff' | dd of="$TMP/set.vgd" bs=1 seek=$((size - 40)) conv=notrunc status=none
"$VIGIL" code -j 1 "${SET[@]}" --dict-image "$TMP/set.vgd" "$TMP/in.jsonl" >"$TMP/rebuilt2" 2>/dev/null &&
    "$VIGIL" code -j 1 --dict-image "$TMP/set.vgd" "$TMP/in.jsonl" >"$TMP/again2" 2>/dev/null &&
    cmp -s "$TMP/parsed" "$TMP/rebuilt2" && cmp -s "$TMP/parsed" "$TMP/again2" &&
    ok image_corrupt_rebuilt || fail image_corrupt_rebuilt

# the cache: the first run compiles into it, the next maps the same file
rm -rf "$TMP/cache"
"$VIGIL" code -j 1 "${SET[@]}" "$TMP/in.jsonl" >"$TMP/c1" 2>"$TMP/c1.err"
img=$(ls "$TMP"/cache/*.vgd 2>/dev/null | head -1)
ino=$(stat -c %i "$img" 2>/dev/null)
"$VIGIL" code -j 1 "${SET[@]}" "$TMP/in.jsonl" >"$TMP/c2" 2>"$TMP/c2.err"
if [ -n "$img" ] && [ "$(ls "$TMP"/cache/*.vgd | wc -l)" -eq 1 ] && [ "$(stat -c %i "$img")" = "$ino" ] &&
   cmp -s "$TMP/parsed" "$TMP/c1" && cmp -s "$TMP/c1" "$TMP/c2" && cmp -s "$TMP/c1.err" "$TMP/c2.err"; then
    ok image_cache_reused
else
    fail image_cache_reused "img=$img"
fi
# a corrupt cached image is detected and replaced
printf 'XXXXXXXX' | dd of="$img" bs=1 seek=4000 conv=notrunc status=none
"$VIGIL" code -j 1 "${SET[@]}" "$TMP/in.jsonl" >"$TMP/c3" 2>"$TMP/c3.err"
[ "$(stat -c %i "$img")" != "$ino" ] && cmp -s "$TMP/c1" "$TMP/c3" && cmp -s "$TMP/c1.err" "$TMP/c3.err" &&
    "$VIGIL" code -j 1 --dict-image "$img" "$TMP/in.jsonl" >/dev/null 2>&1 &&
    ok image_cache_corrupt_replaced || fail image_cache_corrupt_replaced
# an edit within the same second and size is seen (the contents are compared)
cp "$D/actors.txt" "$TMP/actors.bak"
sed -i 's/\[KSV\]/[KSX]/' "$D/actors.txt"
"$VIGIL" code -j 1 "${SET[@]}" "$TMP/in.jsonl" >"$TMP/c4" 2>/dev/null
grep -q '"target":"KSX"' "$TMP/c4" && ok image_cache_same_size_edit || fail image_cache_same_size_edit
cp "$TMP/actors.bak" "$D/actors.txt"
# no cache at all
rm -rf "$TMP/cache"
VIGIL_CACHE_DIR=off "$VIGIL" code -j 1 "${SET[@]}" "$TMP/in.jsonl" >"$TMP/c5" 2>/dev/null
[ ! -e "$TMP/cache" ] && cmp -s "$TMP/parsed" "$TMP/c5" && ok image_cache_off || fail image_cache_off

# a missing file: the same error replayed from the cache
"$VIGIL" code -j 1 --actors "$D/nosuch.txt" --verbs "$D/verbs.txt" "$TMP/in.jsonl" >/dev/null 2>"$TMP/m1"
"$VIGIL" code -j 1 --actors "$D/nosuch.txt" --verbs "$D/verbs.txt" "$TMP/in.jsonl" >/dev/null 2>"$TMP/m2"
grep -q 'nosuch.txt: cannot read' "$TMP/m1" && cmp -s "$TMP/m1" "$TMP/m2" && ok image_cache_missing_file ||
    fail image_cache_missing_file "$(head -2 "$TMP/m1")"

# the defaults: built in as an image; compiled to a file they code the same
# (hybrid, as Vigil's own dictionaries are)
"$VIGIL" dict compile -o "$TMP/defaults.vgd" >/dev/null 2>&1
"$VIGIL" code -j 1 "$TMP/in.jsonl" >"$TMP/d1" 2>/dev/null
"$VIGIL" code -j 1 --dict-image "$TMP/defaults.vgd" "$TMP/in.jsonl" >"$TMP/d2" 2>/dev/null
[ -s "$TMP/d1" ] && cmp -s "$TMP/d1" "$TMP/d2" && grep -q '"method"' "$TMP/d2" && ok image_defaults_file ||
    fail image_defaults_file
"$VIGIL" dict compile >"$TMP/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q 'compiled into vigil already' "$TMP/out" && ok image_compile_defaults_needs_o ||
    fail image_compile_defaults_needs_o "rc=$rc"

# ingest and validate map images too
if "$VIGIL" ingest --db "$TMP/s.db" --dict-image "$TMP/defaults.vgd" "$TMP/in.jsonl" >/dev/null 2>&1 &&
   ! "$VIGIL" ingest --db "$TMP/s2.db" --dict-image "$TMP/short.vgd" "$TMP/in.jsonl" >/dev/null 2>&1; then
    ok image_ingest
else
    fail image_ingest
fi
printf '<Sentences><Sentence date="20230929" id="s1" sentence="true"><Text>Serbia attacked Kosovo.</Text></Sentence></Sentences>\n' >"$TMP/v.xml"
"$VIGIL" validate "$TMP/v.xml" --dict-image "$TMP/short.vgd" >/dev/null 2>"$TMP/v.err"; rc=$?
[ $rc -eq 2 ] && grep -q 'truncated' "$TMP/v.err" && ok image_validate_refused || fail image_validate_refused "rc=$rc"
F=$ROOT/tests/fixtures
rm -rf "$TMP/cache"
"$VIGIL" validate "$F/validate.text" --project "$F/mini.project" >"$TMP/v1" 2>&1
"$VIGIL" validate "$F/validate.text" --project "$F/mini.project" >"$TMP/v2" 2>&1
[ -s "$TMP/v1" ] && cmp -s "$TMP/v1" "$TMP/v2" && [ "$(ls "$TMP"/cache/*.vgd | wc -l)" -eq 1 ] &&
    ok image_validate_project_cached || fail image_validate_project_cached
