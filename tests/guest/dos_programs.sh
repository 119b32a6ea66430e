#!/usr/bin/env bash
# Our DOS test programs under FreeDOS:
#   dos_programs.sh ENGINE PXOS GUEST_DIR [PROGRAM.bin NAME EXPECT KEYS]
# A copy of the FreeDOS floppy ($PXOS_FREEDOS_IMAGE) gets the program as
# NAME.COM with mtools (by default TESTPC.COM: timer, RTC, A20, keyboard:
# guests/test_pc.asm), AUTOEXEC.BAT runs it, and KEYS are typed once EXPECT
# shows; the program's verdict through port F4h is the exit status.
set -u
engine=$1 pxos=$2 guests=$3
program=${4:-test_pc_com.bin} name=${5:-TESTPC} expect=${6:-test_pc:} keys=${7:-"{up}{f1}"}
if [ -z "${PXOS_FREEDOS_IMAGE:-}" ]; then
  echo "SKIPPED: PXOS_FREEDOS_IMAGE is not set; point it at a FreeDOS 1.x boot floppy image to run this test"
  exit 77
fi
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$PXOS_FREEDOS_IMAGE" "$work/fd.img"
mcopy -o -i "$work/fd.img" "$guests/$program" "::/$name.COM"
{ mtype -i "$work/fd.img" ::/AUTOEXEC.BAT | tr -d '\r'; printf '\n%s\n' "$name"; } | sed 's/$/\r/' > "$work/autoexec"
mcopy -o -i "$work/fd.img" "$work/autoexec" ::/AUTOEXEC.BAT
"$pxos" run --engine "$engine" --floppy "$work/fd.img" --expect "$expect" --send-keys "$keys" \
  --display none --timeout 120 </dev/null
rc=$?
echo "--- exit status $rc (the number of failed checks)"
exit $rc
