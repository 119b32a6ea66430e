#!/usr/bin/env bash
# Runs a test guest on QEMU (TCG: a CPU model independent of pxOS and of
# Bochs), to check the guest's own expectations:
#   qemu.sh GUEST.bin CPU [KNOWN...]
# CPU is QEMU's -cpu. The guest's debug-port (E9h) output is QEMU's -debugcon;
# its write to the exit port (F4h, isa-debug-exit) ends QEMU. Passes when the
# guest printed its summary and every "FAIL" line is one of the KNOWN checks
# (the start of its message): where QEMU is known to differ from the SDM, as
# the test's registration says (Bochs checks those). Skipped (exit 77), saying
# why, when QEMU is not installed.
set -u
guest=$1 cpu=$2
shift 2
if ! command -v qemu-system-i386 >/dev/null; then echo "SKIPPED: qemu-system-i386 is not installed"; exit 77; fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$guest" "$dir/floppy.img" && truncate -s 1474560 "$dir/floppy.img"
# isa-debug-exit ends QEMU with status (value << 1) | 1 when the guest writes its verdict.
timeout 60 qemu-system-i386 -machine pc -cpu "$cpu" -m 16 -display none -no-reboot \
  -drive "file=$dir/floppy.img,format=raw,if=floppy" -boot a \
  -debugcon "file:$dir/out" -device isa-debug-exit,iobase=0xf4,iosize=1 >"$dir/qemu.log" 2>&1
status=$?
grep -a "^ok\|^FAIL\|^failures" "$dir/out"
if ! grep -aq "^failures: " "$dir/out"; then
  echo "QEMU stopped (status $status) before the guest's summary:"
  tail -n 5 "$dir/out" "$dir/qemu.log"
  exit 1
fi
unexpected=0
while IFS= read -r line; do
  known=0
  for k in "$@"; do [[ "$line" == "FAIL $k"* ]] && known=1; done
  if [ "$known" = 1 ]; then
    echo "known QEMU difference: ${line#FAIL }"
  else
    unexpected=$((unexpected + 1))
  fi
done < <(grep -a "^FAIL" "$dir/out")
echo "$unexpected failed checks besides the known ones"
[ "$unexpected" = 0 ]
