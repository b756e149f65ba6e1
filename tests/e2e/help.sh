#!/bin/bash
# help.sh -- every subcommand has help (`vigil help CMD` = `vigil CMD
# --help`) and a manual page that man renders without warnings; `vigil
# help` lists them all, and the pages the build wrote are the program's.
source "$(dirname "$0")/../lib.sh"
cmds=$("$VIGIL" help | sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
[ "$(echo $cmds | wc -w)" -ge 10 ] && ok help_lists_commands || fail help_lists_commands "$cmds"
bad=
for c in $cmds; do
    "$VIGIL" help "$c" >"$TMP/h" 2>/dev/null || bad="$bad $c(status)"
    head -1 "$TMP/h" | grep -q "^usage: vigil $c" || bad="$bad $c(usage)"
    grep -q '[a-z]' <(sed 1d "$TMP/h") || bad="$bad $c(empty)"
    if [ "$c" != help ]; then
        "$VIGIL" "$c" --help >"$TMP/h2" 2>/dev/null
        cmp -s "$TMP/h" "$TMP/h2" || bad="$bad $c(--help)"
    fi
done
[ -z "$bad" ] && ok help_every_command || fail help_every_command "$bad"
"$VIGIL" help nosuch >/dev/null 2>&1; [ $? -eq 2 ] && ok help_unknown || fail help_unknown
"$VIGIL" >/dev/null 2>&1; [ $? -eq 2 ] && ok help_no_command || fail help_no_command
if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
    skip help_man "no man or groff"; exit 0
fi
bad=
for c in "" $cmds; do
    page=$TMP/vigil${c:+-$c}.1
    "$VIGIL" help --man $c >"$page" || bad="$bad ${c:-vigil}(status)"
    out=$(MANWIDTH=80 man -l "$page" 2>"$TMP/man.err")
    grep -q "^NAME" <<<"$out" || bad="$bad ${c:-vigil}(render)"
    groff -man -ww -z "$page" 2>>"$TMP/man.err"
    [ -s "$TMP/man.err" ] && bad="$bad ${c:-vigil}(warnings: $(head -1 "$TMP/man.err"))"
    built=$ROOT/$(dirname "$VIGIL")/man/$(basename "$page")
    [ -f "$built" ] && ! cmp -s "$built" "$page" && bad="$bad ${c:-vigil}(stale build/man)"
done
[ -z "$bad" ] && ok help_man_pages || fail help_man_pages "$bad"
