#!/usr/bin/env bash
# Two --deterministic runs of a guest that prints the tick count, the RTC and
# the PIT counter must print the same bytes: deterministic.sh PXOS TICKS_BIN.
set -u
pxos=$1 guest=$2
a=$(mktemp) b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
"$pxos" run --deterministic --boot-sector "$guest" --display none --timeout 60 </dev/null >"$a" || { echo "first run failed"; exit 1; }
"$pxos" run --deterministic --boot-sector "$guest" --display none --timeout 60 </dev/null >"$b" || { echo "second run failed"; exit 1; }
echo "--- first run"; cat "$a"; echo "--- second run"; cat "$b"
[ "$(wc -l <"$a")" = 5 ] || { echo "expected five lines of output"; exit 1; }
cmp "$a" "$b" && echo "identical"
