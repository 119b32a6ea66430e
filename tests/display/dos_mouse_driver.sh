#!/usr/bin/env bash
# A DOS mouse driver (CuteMouse: $PXOS_DOS_MOUSE_DRIVER, never in the
# repository; docs/COMPATIBILITY.md says where one is) under FreeDOS, and
# guests/mouse_int33.asm as MOUSE33.COM painting through its INT 33h in mode
# 13h: AUTOEXEC.BAT loads the driver and runs MOUSE33; the same drags as
# display.mouse_paint, then a move back left, go to pxOS (--send-keys) and to QEMU (its monitor), and
# the two pictures, the driver's pointer included, must match
# (qemu_input.sh).
#   dos_mouse_driver.sh ENGINE PXOS GUEST_DIR DONE
set -u
engine=$1 pxos=$2 guests=$3 done=$4
if [ -z "${PXOS_FREEDOS_IMAGE:-}" ]; then
  echo "SKIPPED: PXOS_FREEDOS_IMAGE is not set; point it at a FreeDOS 1.x boot floppy image to run this test"
  exit 77
fi
if [ -z "${PXOS_DOS_MOUSE_DRIVER:-}" ]; then
  echo "SKIPPED: PXOS_DOS_MOUSE_DRIVER is not set; point it at CTMOUSE.EXE (docs/COMPATIBILITY.md) to run this test"
  exit 77
fi
command -v mcopy >/dev/null || { echo "SKIPPED: mcopy is missing (scripts/deps.sh installs mtools)"; exit 77; }
[ -f "$PXOS_DOS_MOUSE_DRIVER" ] || { echo "FAIL: PXOS_DOS_MOUSE_DRIVER names no file"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$PXOS_FREEDOS_IMAGE" "$work/fd.img"
mcopy -o -i "$work/fd.img" "$PXOS_DOS_MOUSE_DRIVER" ::/CTMOUSE.EXE
mcopy -o -i "$work/fd.img" "$guests/mouse_int33.bin" ::/MOUSE33.COM
{ mtype -i "$work/fd.img" ::/AUTOEXEC.BAT | tr -d '\r'; printf '\nCTMOUSE\nMOUSE33\n'; } | sed 's/$/\r/' >"$work/autoexec"
mcopy -o -i "$work/fd.img" "$work/autoexec" ::/AUTOEXEC.BAT
"$(dirname "$0")/qemu_input.sh" "$engine" "$pxos" "floppy:$work/fd.img" ready "$done" \
  "{mouse 0 0 1}{mouse 40 0 1}{mouse 0 -30 1}{mouse -60 30 0}" "mouse_button 1" "mouse_move 40 0" "mouse_move 0 30" \
  "mouse_button 0" "mouse_move -60 -30"
