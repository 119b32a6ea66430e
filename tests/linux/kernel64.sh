#!/usr/bin/env bash
# A 64-bit kernel (xloadflags XLF_KERNEL_64) on the software engine, which has
# no long mode: refused at start with exit 2 and a one-line reason, not booted
# into silence until the timeout. --engine kvm is not refused: there the
# kernel (the linux_stub guest with the flag set) runs and passes its checks.
# Usage: kernel64.sh PXOS LINUX_STUB.bin
set -u
pxos=$1 stub=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$stub" "$dir/bz64"
printf '\x01' | dd of="$dir/bz64" bs=1 seek=$((0x236)) conv=notrunc status=none  # xloadflags: XLF_KERNEL_64
fail=0
err=$("$pxos" run --kernel "$dir/bz64" --engine soft --display none --timeout 60 2>&1 >/dev/null)
status=$?
echo "soft: exit $status: $err"
if [ "$status" != 2 ] || [ "$(printf '%s\n' "$err" | wc -l)" != 1 ]; then
  echo "FAIL: want exit 2 and one line"
  fail=1
fi
for word in "64-bit kernel" "no long mode" "i686" "--engine kvm"; do
  case $err in *"$word"*) ;; *) echo "FAIL: the reason lacks '$word'"; fail=1 ;; esac
done
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
  "$pxos" run --kernel "$dir/bz64" --engine kvm --display none --timeout 60 --append x >/dev/null
  status=$?
  echo "kvm: exit $status (the stub's verdict, 0: passed)"
  [ "$status" = 0 ] || fail=1
else
  echo "kvm: not checked: /dev/kvm is missing or not accessible here"
fi
exit $fail
