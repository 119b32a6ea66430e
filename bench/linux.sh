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
command -v qemu-system-i386 >/dev/null || { echo "missing qemu-system-i386 (Debian: qemu-system-x86; scripts/deps.sh --bench installs it)"; exit 2; }
cache=$here/build/linux
"$here/scripts/fetch-linux.sh" "$cache" || { echo "cannot fetch the kernel and busybox"; exit 2; }
"$pxos" initramfs --busybox "$cache/busybox" --init "$here/scripts/linux/init-test" -o "$cache/initramfs-test.gz"
runs=${RUNS:-5}
protocol=${BOOT_PROTOCOL:-16}
append="console=ttyS0"

# time_runs WANT CMD...: min and median seconds of RUNS runs (bench/time_runs.sh).
source "$here/bench/time_runs.sh"

echo "kernel $(cat "$cache/kernel-version"), append \"$append\", $runs runs each, pxOS boot protocol $protocol"
read -r p_min p_med < <(time_runs 0 "$pxos" run --engine soft --kernel "$cache/bzImage" --initrd "$cache/initramfs-test.gz" \
  --append "$append" --boot-protocol "$protocol" --serial null --display none --debugcon none \
  --until-text PXOS-LINUX-MARKER --timeout "${TIMEOUT:-600}")
read -r q_min q_med < <(time_runs 0 timeout 600 qemu-system-i386 -accel tcg \
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
