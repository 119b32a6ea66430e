#!/usr/bin/env bash
# Times a Linux boot to a busybox marker: Debian's stock 686 kernel and the
# test initramfs (scripts/linux/init-test), on pxOS's software engine and on
# QEMU TCG with an i686 CPU of the same features, five runs each, in one run;
# prints min/median seconds and the ratio pxOS/QEMU (issue 9's goal: <= 2).
#   bench/linux.sh            (RUNS=5, BOOT_PROTOCOL=16, TIMEOUT=600 s a boot by default)
# pxOS stops when the marker appears on the serial console (--until-text);
# QEMU runs until /init's `poweroff -f` powers it off through ACPI right
# after the marker (a few milliseconds more).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pxos=$here/build/pxos
[ -x "$pxos" ] || { echo "build pxos first (make)"; exit 2; }
command -v qemu-system-i386 >/dev/null || { echo "missing qemu-system-i386 (Debian: qemu-system-x86)"; exit 2; }
cache=$here/build/linux
"$here/scripts/fetch-linux.sh" "$cache" || { echo "cannot fetch the kernel and busybox"; exit 2; }
"$pxos" initramfs --busybox "$cache/busybox" --init "$here/scripts/linux/init-test" -o "$cache/initramfs-test.gz"
runs=${RUNS:-5}
protocol=${BOOT_PROTOCOL:-16}
append="console=ttyS0"

# Runs a command RUNS times; prints min and median seconds, or "nan nan" if
# a run does not exit with status 0.
time_runs() {
  local times=()
  for ((i = 0; i < runs; i++)); do
    local s e rc
    s=$(date +%s.%N)
    set +e; "$@" >/dev/null 2>&1 </dev/null; rc=$?; set -e
    e=$(date +%s.%N)
    if [ "$rc" != 0 ]; then echo "FAILED (exit $rc): $*" >&2; echo "nan nan"; return; fi
    times+=("$(echo "$e - $s" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f %.3f\n", a[1], a[int((NR+1)/2)]}'
}

echo "kernel $(cat "$cache/kernel-version"), append \"$append\", $runs runs each, pxOS boot protocol $protocol"
read -r p_min p_med < <(time_runs "$pxos" run --engine soft --kernel "$cache/bzImage" --initrd "$cache/initramfs-test.gz" \
  --append "$append" --boot-protocol "$protocol" --serial null --display none --debugcon none \
  --until-text PXOS-LINUX-MARKER --timeout "${TIMEOUT:-600}")
read -r q_min q_med < <(time_runs timeout 600 qemu-system-i386 -accel tcg \
  -cpu pentium2,-mmx,-fxsr,-sep,-apic,-pae,-pse36,-pat,-mtrr,-mca,-mce,-vme,-de -m 128 -nographic -no-reboot \
  -kernel "$cache/bzImage" -initrd "$cache/initramfs-test.gz" -append "$append")
printf '%-28s %8s %8s\n' "" "min s" "median s"
printf '%-28s %8s %8s\n' "pxOS soft engine" "$p_min" "$p_med"
printf '%-28s %8s %8s\n' "QEMU TCG (pentium2-class)" "$q_min" "$q_med"
if [ "$p_med" != nan ] && [ "$q_med" != nan ]; then
  printf 'ratio pxOS/QEMU (median): %.2f\n' "$(echo "$p_med / $q_med" | bc -l)"
else
  echo "ratio pxOS/QEMU: n/a (a run failed)"
fi
