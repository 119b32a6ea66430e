#!/usr/bin/env bash
# The translator changes nothing a guest can see: Debian's 686 kernel booted in
# --deterministic mode (virtual time from the instruction count) prints the same
# bytes, timestamps included, with --jit on and --jit off, and --jit-stats says
# that most of the boot ran translated.
#   jit_identical.sh PXOS LINUX_CACHE
set -u
pxos=$1 cache=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/run_to_marker.sh"
fail=0
for jit in on off; do
  run_to_marker "$tmp/$jit.log" "$pxos" run --engine soft --deterministic --jit "$jit" --jit-stats \
    --kernel "$cache/bzImage" --initrd "$cache/initramfs-test.gz" --append "console=ttyS0" \
    --display none --debugcon none --timeout 600 2>"$tmp/$jit.err"
  [ "$status" = 0 ] || { echo "FAIL: --jit $jit did not reach the marker (status $status)"; cat "$tmp/$jit.err"; fail=1; }
done
lines=$(wc -l <"$tmp/on.log")
if cmp -s "$tmp/on.log" "$tmp/off.log" && [ "$lines" -gt 100 ]; then
  echo "ok: the console output ($lines lines) is the same with --jit on and off"
else
  echo "FAIL: the console output differs between --jit on and off (or is short: $lines lines)"
  diff "$tmp/on.log" "$tmp/off.log" | head -20
  fail=1
fi
share=$(sed -n 's/^jit: .*ran translated (\([0-9.]*\) %).*/\1/p' "$tmp/on.err")
if [ -n "$share" ] && [ "$(echo "$share > 90" | bc)" = 1 ]; then
  echo "ok: $share % of the instructions ran translated"
else
  echo "FAIL: --jit-stats says ${share:-nothing} % ran translated (expected over 90 %)"
  cat "$tmp/on.err"
  fail=1
fi
if grep -q '^jit:' "$tmp/off.err"; then
  share_off=$(sed -n 's/^jit: .*ran translated (\([0-9.]*\) %).*/\1/p' "$tmp/off.err")
  [ "${share_off:-0}" = 0.0 ] || { echo "FAIL: --jit off ran ${share_off} % translated"; fail=1; }
fi
exit $fail
