#!/usr/bin/env bash
# The same guest on QEMU (-vga std, its SeaBIOS VGA BIOS) as an oracle: for
# each mode GUEST draws (it says "<mode> drawn" on the debug console and
# waits for a key), QEMU's screendump and pxOS's --screenshot must show the
# same picture, pixel for pixel (display_tool.py ppm-matches): the DAC's 6
# bits of each channel, or all 8 for a mode named for its direct-colour depth
# (...x15, x16, x24, x32: guests/vbe_compare.asm's VBE modes); with --cells,
# the same 8x8 blocks non-empty (ppm-cells: text drawn with QEMU's VGA BIOS
# fonts, which differ from the Debian console fonts pxOS's ROM has).
#   qemu_compare.sh ENGINE PXOS GUEST [--cells] MODE...
set -u
engine=$1 pxos=$2 guest=$3
shift 3
compare=ppm-matches
[ "${1:-}" = --cells ] && { compare=ppm-cells; shift; }
tool=$(dirname "$0")/display_tool.py
. "$(dirname "$0")/lib.sh"
need qemu-system-i386 python3
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host"
  exit 77
fi
cp "$guest" "$tmp/floppy.img" && truncate -s 1474560 "$tmp/floppy.img"
start_qemu "$tmp/floppy.img"
keys='' n=0
for mode in "$@"; do
  until_file "$tmp/debug.txt" "$mode drawn"
  n=$((n + 1))
  echo "screendump $tmp/qemu$n.ppm" >&3
  echo "dumped $n" >&3  # an unknown command, echoed in the log once the screendump is written
  until_file "$tmp/qemu.log" "dumped $n"
  "$pxos" run --engine "$engine" --boot-sector "$guest" ${keys:+--send-keys "$keys"} --until-text "$mode drawn" \
    --display none --debugcon none --screenshot "$tmp/pxos$n.png" --timeout 60 ||
    { echo "FAIL: pxOS did not reach '$mode drawn'"; exit 1; }
  case $mode in *x15 | *x16 | *x24 | *x32) bits=8 ;; *) bits=6 ;; esac
  [ "$compare" = ppm-cells ] && bits=
  python3 "$tool" "$compare" "$tmp/pxos$n.png" "$tmp/qemu$n.ppm" $bits ||
    { echo "FAIL: $mode differs from QEMU's"; exit 1; }
  echo "sendkey x" >&3
  keys="${keys}x"
done
echo quit >&3
echo "ok: $* match QEMU's pictures"
