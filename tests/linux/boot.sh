#!/usr/bin/env bash
# Boots the fetched kernel with the test initramfs to its marker and checks
# what its /init printed. Usage: boot.sh PXOS CACHE ENGINE PROTOCOL
set -u
pxos=$1 cache=$2 engine=$3 protocol=$4
if [ "$engine" = kvm ] && [ "${PXOS_LINUX_KVM:-}" != 1 ]; then
  echo "skipped: a Linux boot on this host's nested KVM takes minutes; set PXOS_LINUX_KVM=1 to run it"
  exit 77
fi
for f in bzImage initramfs-test.gz kernel-version; do
  if [ ! -s "$cache/$f" ]; then
    echo "FAIL: $cache/$f is missing: the linux.fetch fixture did not run or failed"
    exit 1
  fi
done
timeout=${PXOS_LINUX_TIMEOUT:-600}
[ "$engine" = kvm ] && timeout=1800
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s.%N)
. "$(dirname "$0")/run_to_marker.sh"
run_to_marker "$log" "$pxos" run --engine "$engine" --kernel "$cache/bzImage" --initrd "$cache/initramfs-test.gz" \
  --append "console=ttyS0 earlyprintk=serial,ttyS0 loglevel=7" --boot-protocol "$protocol" \
  --display none --debugcon none --timeout "$timeout"
end=$(date +%s.%N)
echo "pxos exit status $status after $(echo "$end - $start" | bc) s; the last lines of the serial console:"
tail -n 25 "$log"
fail=0
check() {
  if grep -qE "$1" "$log"; then echo "ok: $2"; else echo "FAIL: $2 (no line matching '$1')"; fail=1; fi
}
[ "$status" = 0 ] || { echo "FAIL: the marker did not appear (exit status $status)"; fail=1; }
version=$(cat "$cache/kernel-version")
check "^pxos-uname: ${version//./\\.}" "uname -r printed $version"
check '^pxos-arith: 42' 'the shell computed 6*7'
check '^pxos-flags: flags[[:space:]]*: .*fpu.*cx8.*cmov' '/proc/cpuinfo lists fpu, cx8 and cmov'
check '^pxos-ls: bin dev etc init proc' 'ls / listed the initramfs'
# PCI: the kernel uses configuration mechanism #1, finds the root bridge in the
# DSDT and routes PCI interrupts by its _PRT (ACPI; guest.pci_bios checks the
# $PIR table a kernel without ACPI would use), and lists the host bridge and the
# ISA bridge in sysfs.
check 'PCI: Using configuration type 1' 'the kernel uses PCI configuration mechanism #1'
check 'ACPI: PCI Root Bridge \[PCI0\]' 'the kernel found the PCI root bridge in the DSDT'
check 'PCI: Using ACPI for IRQ routing' 'the kernel routes PCI interrupts by ACPI'
check '^pxos-pci: 0000:00:00\.0 0x8086:0x1237 class 0x060000' 'sysfs lists the host bridge 00:00.0'
check '^pxos-pci: 0000:00:01\.0 0x8086:0x7000 class 0x060100' 'sysfs lists the ISA bridge 00:01.0'
check '^PXOS-LINUX-MARKER' 'the marker'
# The guest's clock is the host's: `date +%s` printed just before the marker
# (whole seconds, so it trails the host by up to 1 s when exact) is within 1 s
# of the host's time when the marker reached the console log (the log's last
# write; `end` comes up to a second later, when run_to_marker's poll sees pxos gone).
guest_date=$(grep -a -m1 '^pxos-date: ' "$log" | tr -dc '0-9')
written=$(stat -c %.9Y "$log")
if [ -n "$guest_date" ] && [ "$(echo "d = $written - $guest_date; d > -1 && d < 2" | bc)" = 1 ]; then
  echo "ok: the guest's date ($guest_date) is the host's ($written, when the marker arrived)"
else
  echo "FAIL: the guest's date (${guest_date:-none}) is not within 1 s of the host's ($written, when the marker arrived)"
  fail=1
fi
exit $fail
