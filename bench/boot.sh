#!/usr/bin/env bash
# Times a FreeDOS boot to its prompt: pxOS (software engine, and KVM) beside
# QEMU (TCG, and KVM where /dev/kvm works), five runs each, in one run.
#   bench/boot.sh [FREEDOS_FLOPPY_IMAGE]   (default: $PXOS_FREEDOS_IMAGE)
#   env: RUNS (default 5), SKIP_KVM=1 (the software engines only), KVM_TIMEOUT
# The image is copied and its AUTOEXEC.BAT gets one more line, DOS_EXIT,
# a .COM that writes to port F4h: pxOS ends there, and QEMU with
# isa-debug-exit at F4h too, right before COMMAND.COM shows A:\>.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
img=${1:-${PXOS_FREEDOS_IMAGE:-}}
[ -n "$img" ] && [ -f "$img" ] || { echo "usage: bench/boot.sh FREEDOS_IMAGE (or set PXOS_FREEDOS_IMAGE)"; exit 2; }
pxos=$here/build/pxos
[ -x "$pxos" ] || { echo "build pxos first (make)"; exit 2; }
for t in nasm mcopy mtype qemu-system-i386; do command -v $t >/dev/null || { echo "missing $t (Debian: nasm mtools qemu-system-x86; scripts/deps.sh --bench installs them)"; exit 2; }; done
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$img" "$work/fd.img"
nasm -f bin -o "$work/DOS_EXIT.COM" "$here/guests/dos_exit.asm"
mcopy -o -i "$work/fd.img" "$work/DOS_EXIT.COM" ::/DOS_EXIT.COM
{ mtype -i "$work/fd.img" ::/AUTOEXEC.BAT | tr -d '\r'; printf '\nDOS_EXIT\n'; } | sed 's/$/\r/' > "$work/autoexec"
mcopy -o -i "$work/fd.img" "$work/autoexec" ::/AUTOEXEC.BAT

# time_runs WANT CMD...: min and median seconds of RUNS runs (bench/time_runs.sh).
source "$here/bench/time_runs.sh"

qemu=(qemu-system-i386 -display none -monitor none -serial none -parallel none -net none -m 16
      -drive "file=$work/fd.img,format=raw,if=floppy,snapshot=on" -boot a
      -device isa-debug-exit,iobase=0xf4,iosize=1)
declare -A res
echo "FreeDOS boot to the prompt, $runs runs each (seconds): min median"
measure() {
  local name=$1; shift
  res[$name]=$(time_runs "$@")
  printf '  %-10s %s\n' "$name" "${res[$name]}"
}
measure pxos-soft 0 "$pxos" run --engine soft --floppy "$work/fd.img" --display none --timeout 120
measure qemu-tcg 1 timeout 120 "${qemu[@]}" -accel tcg
if [ -z "${SKIP_KVM:-}" ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
  measure pxos-kvm 0 "$pxos" run --engine kvm --floppy "$work/fd.img" --display none --timeout 300
  # QEMU+KVM spends minutes in SeaBIOS on a nested KVM: KVM_TIMEOUT bounds each run.
  measure qemu-kvm 1 timeout "${KVM_TIMEOUT:-300}" "${qemu[@]}" -accel kvm
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0) printf "%.2f", b / a; else print "n/a" }'; }
ps=${res[pxos-soft]% *}; qt=${res[qemu-tcg]% *}
echo "qemu-tcg / pxos-soft (min): $(ratio "$ps" "$qt")x  (target >= 4x)"
if [ -n "${res[pxos-kvm]:-}" ]; then
  pk=${res[pxos-kvm]% *}; qk=${res[qemu-kvm]% *}
  [ "$qk" = nan ] && qk=${KVM_TIMEOUT:-300}  # a QEMU run that timed out: at least that long
  echo "qemu-kvm / pxos-kvm (min): $(ratio "$pk" "$qk")x  (target > 1x)"
fi
