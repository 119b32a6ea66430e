#!/usr/bin/env bash
# A protected-mode DOS memory manager (JEMM386 with an XMS driver, or JEMMEX)
# under FreeDOS: DOS then runs in virtual-8086 mode, its BIOS calls reflected
# by the manager to pxOS's BIOS. dos_emm386.sh ENGINE PXOS [PXOS RUN OPTIONS...]
# The binaries are not part of the repository (docs/COMPATIBILITY.md says
# where they come from): PXOS_EMM386 names JEMM386.EXE or JEMMEX.EXE,
# PXOS_HIMEM the XMS driver JEMM386 needs (HIMEMX.EXE; not loaded with JEMMEX),
# PXOS_FREEDOS_IMAGE the boot floppy. A copy of the floppy gets them with mtools, CONFIG.SYS loads
# them, AUTOEXEC.BAT runs the manager as a program (its status), writes a file
# and reads it back. Passes when the manager says it loaded, reports EMS on,
# and the file's text and its directory entry show.
set -u
engine=$1 pxos=$2
shift 2
skip() { echo "SKIPPED: $1"; exit 77; }
[ -n "${PXOS_FREEDOS_IMAGE:-}" ] || skip "PXOS_FREEDOS_IMAGE is not set; point it at a FreeDOS 1.x boot floppy image"
[ -n "${PXOS_EMM386:-}" ] || skip "PXOS_EMM386 is not set; point it at JEMM386.EXE or JEMMEX.EXE (Jemm's binary package)"
emm=$(basename "$PXOS_EMM386" | tr a-z A-Z)
case $emm in
  JEMM386.EXE) loaded="Jemm386 loaded"
    [ -n "${PXOS_HIMEM:-}" ] || skip "JEMM386 needs an XMS driver: set PXOS_HIMEM to HIMEMX.EXE (or use JEMMEX.EXE)" ;;
  JEMMEX.EXE) loaded="JemmEx loaded"
    PXOS_HIMEM= ;;  # JEMMEX has its XMS driver built in: another would make it refuse to load
  *) echo "FAIL: PXOS_EMM386 must name JEMM386.EXE or JEMMEX.EXE, not $emm"; exit 1 ;;
esac
for f in "$PXOS_FREEDOS_IMAGE" "$PXOS_EMM386" ${PXOS_HIMEM:+"$PXOS_HIMEM"}; do
  [ -f "$f" ] || { echo "FAIL: $f is not a file"; exit 1; }
done
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then skip "/dev/kvm is missing or not accessible on this host"; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
img=$work/fd.img
cp "$PXOS_FREEDOS_IMAGE" "$img"
mcopy -o -i "$img" "$PXOS_EMM386" "::/$emm" || exit 1
config="DOS=HIGH,UMB"
if [ -n "${PXOS_HIMEM:-}" ]; then
  mcopy -o -i "$img" "$PXOS_HIMEM" ::/HIMEM.EXE || exit 1
  config="$config"$'\n'"DEVICE=A:\\HIMEM.EXE"
fi
config="$config"$'\n'"DEVICE=A:\\$emm"$'\n'"FILES=20"$'\n'"SHELL=A:\\COMMAND.COM /E:512 /P"
printf '%s\n' "$config" | sed 's/$/\r/' > "$work/config"
printf '%s\n' "@ECHO OFF" "${emm%.EXE}" "ECHO pxOS wrote this in VM86 > CHECK.TXT" "TYPE CHECK.TXT" "DIR /B CHECK.TXT" |
  sed 's/$/\r/' > "$work/autoexec"
mcopy -o -i "$img" "$work/config" ::/CONFIG.SYS && mcopy -o -i "$img" "$work/autoexec" ::/AUTOEXEC.BAT || exit 1
out=$("$pxos" run --engine "$engine" --floppy "$img" --until-text 'CHECK.TXT' --display screen --timeout 120 "$@" </dev/null 2>&1)
rc=$?
echo "$out"
echo "--- exit status $rc"
fail=0
check() {  # TEXT: on the final screen
  if grep -qF "$1" <<<"$out"; then echo "ok: '$1'"; else echo "FAIL: '$1' is not on the screen"; fail=1; fi
}
[ $rc = 0 ] || { echo "FAIL: pxos ended with status $rc before DIR listed CHECK.TXT"; fail=1; }
check "$loaded"
check "EMS is On"
check "pxOS wrote this in VM86"
check "CHECK.TXT"
exit $fail
