#!/usr/bin/env bash
# Linux restarts the machine: scripts/linux/init-reboot counts its boots in
# CMOS, runs `reboot -f` at the first (the kernel writes the FADT's reset
# register, the 8042's FEh), and powers off at the second. The kernel must
# boot twice (loaded again at the second POST), the 8042 must have reset the
# machine once, and the run end with status 0 through ACPI S5.
# Usage: acpi_reboot.sh PXOS SRC CACHE ENGINE
set -u
pxos=$1 src=$2 cache=$3 engine=$4
for f in bzImage busybox; do
  [ -s "$cache/$f" ] || { echo "FAIL: $cache/$f is missing: the linux.fetch fixture did not run or failed"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$pxos" initramfs --busybox "$cache/busybox" --init "$src/scripts/linux/init-reboot" -o "$tmp/initramfs.gz" || exit 1
"$pxos" run --engine "$engine" --kernel "$cache/bzImage" --initrd "$tmp/initramfs.gz" --append console=ttyS0 \
  --serial "file:$tmp/log" --display none --debugcon none --verbose --timeout "${PXOS_LINUX_TIMEOUT:-600}" \
  >"$tmp/out" 2>&1 </dev/null
status=$?
echo "pxos exit status $status; the kernel's and /init's lines about booting:"
grep -aE 'pxos-boot|Linux version|reboot:' "$tmp/log"
fail=0
[ "$status" = 0 ] || { echo "FAIL: exit status $status, want 0 (the second boot powers off)"; fail=1; }
boots=$(grep -ac 'Linux version' "$tmp/log")
[ "$boots" = 2 ] || { echo "FAIL: the kernel started $boots times, want 2"; fail=1; }
grep -qa '^pxos-boot: first, rebooting' "$tmp/log" || { echo "FAIL: no first boot"; fail=1; }
grep -qa '^pxos-boot: second (CMOS 50h = 1)' "$tmp/log" || { echo "FAIL: no second boot after the reset"; fail=1; }
grep -qE 'i8042: .* 1 resets' "$tmp/out" || { echo "FAIL: the 8042 did not reset the machine once:"; grep 'i8042:' "$tmp/out"; fail=1; }
grep -q 'powered the machine off (ACPI S5)' "$tmp/out" || { echo "FAIL: no power-off through ACPI S5"; fail=1; }
[ $fail = 0 ] && echo "ok: reboot -f restarted the machine through the reset register, and the second boot powered off"
exit $fail
