#!/usr/bin/env bash
# A guest driven by input, on QEMU (-vga std) as an oracle: once GUEST says
# READY on the debug console, pxOS gets KEYS (--send-keys, e.g. {mouse ...})
# and QEMU the monitor COMMANDs (e.g. mouse_button, mouse_move: the same
# input in QEMU's words); once it says DONE, QEMU's screendump and pxOS's
# --screenshot must show the same picture (display_tool.py ppm-matches).
# GUEST is a boot sector guest, or floppy:IMAGE for a whole floppy image.
#   qemu_input.sh ENGINE PXOS GUEST READY DONE KEYS COMMAND...
set -u
engine=$1 pxos=$2 guest=$3 ready=$4 done=$5 keys=$6
shift 6
tool=$(dirname "$0")/display_tool.py
. "$(dirname "$0")/lib.sh"
need qemu-system-i386 python3
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host"
  exit 77
fi
case $guest in
  floppy:*) cp "${guest#floppy:}" "$tmp/floppy.img" && boot=(--floppy "$tmp/floppy.img") ;;
  *) cp "$guest" "$tmp/floppy.img" && truncate -s 1474560 "$tmp/floppy.img" && boot=(--boot-sector "$guest") ;;
esac
start_qemu "$tmp/floppy.img"
until_file "$tmp/debug.txt" "$ready"
for command in "$@"; do
  echo "$command" >&3
  sleep 0.3  # one event at a time, as a hand would give them
done
until_file "$tmp/debug.txt" "$done"
echo "screendump $tmp/qemu.ppm" >&3
echo "dumped" >&3  # an unknown command, echoed in the log once the screendump is written
until_file "$tmp/qemu.log" "dumped"
echo quit >&3
"$pxos" run --engine "$engine" "${boot[@]}" --expect "$ready" --send-keys "$keys" --until-text "$done" \
  --display none --debugcon none --screenshot "$tmp/pxos.png" --timeout 60 </dev/null ||
  { echo "FAIL: pxOS did not reach '$done'"; exit 1; }
python3 "$tool" ppm-matches "$tmp/pxos.png" "$tmp/qemu.ppm" || { echo "FAIL: the picture differs from QEMU's"; exit 1; }
echo "ok: the same picture as QEMU's after the same input"
