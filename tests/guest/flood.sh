#!/usr/bin/env bash
# A guest floods the debug console (port E9h) with up to 10 MiB: the
# monitor must exit normally (status 0, the guest's verdict) and its peak
# memory must stay within 8 MiB of a guest that only halts, i.e. it does
# not keep what the guest writes.
#   flood.sh ENGINE PXOS GUEST_DIR
set -u
engine=$1 pxos=$2 g=$3
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host; the KVM engine cannot run here"
  exit 77
fi
if ! [ -x /usr/bin/time ]; then
  echo "SKIPPED: /usr/bin/time (Debian package time) is not installed"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/time -o "$tmp/base" -f %M "$pxos" run --boot-sector "$g/halt.bin" --engine "$engine" --timeout 30 \
  </dev/null >/dev/null 2>&1
/usr/bin/time -o "$tmp/flood" -f %M "$pxos" run --boot-sector "$g/iso_flood.bin" --engine "$engine" \
  --debugcon stdio --timeout 60 </dev/null 2>"$tmp/err" | tail -c 200 >"$tmp/out"
status=${PIPESTATUS[0]}
base=$(tail -1 "$tmp/base") flood=$(tail -1 "$tmp/flood")
echo "--- stdout (tail)"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"
echo "--- exit status $status (expected 0); peak RSS ${flood} KiB, halting guest ${base} KiB"
fail=0
[ "$status" = 0 ] || fail=1
grep -q "flood: done" "$tmp/out" || { echo "the guest did not finish"; fail=1; }
[ "$flood" -le $((base + 8192)) ] || { echo "peak RSS grew by more than 8 MiB"; fail=1; }
exit $fail
