#!/usr/bin/env bash
# A public DOS demo or game under FreeDOS on pxOS (never part of the
# repository: docs/COMPATIBILITY.md says where the ones tried come from).
# $VAR holds the program's path, then any data files it reads, separated by
# ':'; they go onto a copy of the FreeDOS floppy ($PXOS_FREEDOS_IMAGE) with
# mtools, AUTOEXEC.BAT runs the program from A:\, and two screenshots, after
# FIRST and after FIRST + 6 seconds, must each be one of the GEOMETRIES (e.g.
# 320x200,320x240) with at least COLOURS distinct colours, and differ (the
# demo moves). QEMU (-vga std) runs the same floppy as an oracle: its
# screendump after about FIRST seconds must have the first screenshot's
# geometry and nearly its colours (display_tool.py ppm-like, 90 %; the frames
# differ, the palette and mode do not).
#   dos_demo.sh ENGINE PXOS VAR GEOMETRIES COLOURS FIRST
set -u
engine=$1 pxos=$2 var=$3 geometries=$4 colours=$5 first=$6
tool=$(dirname "$0")/display_tool.py
. "$(dirname "$0")/lib.sh"
need python3 mcopy mtype qemu-system-i386
if [ -z "${PXOS_FREEDOS_IMAGE:-}" ]; then
  echo "SKIPPED: PXOS_FREEDOS_IMAGE is not set; point it at a FreeDOS 1.x boot floppy image to run this test"
  exit 77
fi
if [ -z "${!var:-}" ]; then
  echo "SKIPPED: $var is not set; point it at the DOS program (then its data files, ':' between them;" \
    "docs/COMPATIBILITY.md names a public one) to run this test"
  exit 77
fi
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host"
  exit 77
fi
IFS=: read -r -a files <<<"${!var}"
cp "$PXOS_FREEDOS_IMAGE" "$tmp/fd.img" || exit 2
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "FAIL: $var names $f, which is not a file"; exit 2; }
  name=$(basename "$f" | tr a-z A-Z)
  mcopy -o -i "$tmp/fd.img" "$f" "::/$name" || { echo "FAIL: $name does not fit on the floppy"; exit 1; }
done
program=$(basename "${files[0]}" | tr a-z A-Z)
program=${program%.*}
{ mtype -i "$tmp/fd.img" ::/AUTOEXEC.BAT | tr -d '\r'; printf '\n%s\n' "$program"; } | sed 's/$/\r/' >"$tmp/autoexec"
mcopy -o -i "$tmp/fd.img" "$tmp/autoexec" ::/AUTOEXEC.BAT
mkfifo "$tmp/monitor"
qemu-system-i386 -vga std -drive "file=$tmp/fd.img,format=raw,if=floppy,snapshot=on" -display none -monitor stdio \
  <"$tmp/monitor" >"$tmp/qemu.log" 2>&1 &
pids+=($!)
exec 3>"$tmp/monitor"
for n in 1 2; do
  seconds=$((first + 6 * (n - 1)))
  "$pxos" run --engine "$engine" --floppy "$tmp/fd.img" --display none --debugcon none --timeout "$seconds" \
    --screenshot "$tmp/shot$n.png" </dev/null >"$tmp/run$n.log" 2>&1
  rc=$?
  [ $rc = 124 ] || { echo "FAIL: the run ended with status $rc before its $seconds s:"; cat "$tmp/run$n.log"; exit 1; }
  python3 "$tool" png-colours "$tmp/shot$n.png" "$geometries" "$colours" || exit 1
  if [ $n = 1 ]; then  # QEMU has run at least as long
    echo "screendump $tmp/qemu.ppm" >&3
    echo "dumped" >&3  # an unknown command, echoed in the log once the screendump is written
    for _ in $(seq 100); do
      grep -qF dumped "$tmp/qemu.log" && break
      sleep 0.1
    done
    echo quit >&3
    [ -s "$tmp/qemu.ppm" ] || { echo "FAIL: QEMU wrote no screendump:"; cat "$tmp/qemu.log"; exit 1; }
    python3 "$tool" ppm-like "$tmp/shot1.png" "$tmp/qemu.ppm" 90 || { echo "FAIL: QEMU shows another picture"; exit 1; }
  fi
done
python3 "$tool" png-differ "$tmp/shot1.png" "$tmp/shot2.png" || exit 1
echo "ok: $program runs, draws and moves, in QEMU's geometry and colours"
