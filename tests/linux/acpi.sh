#!/usr/bin/env bash
# Linux on the BIOS's ACPI tables: the test initramfs runs to its marker and
# its /init's `poweroff -f` switches the machine off through ACPI S5, which
# must end pxos with status 0 ("powered the machine off (ACPI S5)"). The
# kernel's log must show the RSDP at E0000h, S0 and S5, the PCI host bridge
# from the DSDT and the PM timer taken as a clocksource, and no ACPI error or
# warning, no bad checksum, no PM timer at a wrong rate.
# Usage: acpi.sh PXOS CACHE ENGINE
set -u
pxos=$1 cache=$2 engine=$3
for f in bzImage initramfs-test.gz; do
  [ -s "$cache/$f" ] || { echo "FAIL: $cache/$f is missing: the linux.fetch fixture did not run or failed"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$pxos" run --engine "$engine" --kernel "$cache/bzImage" --initrd "$cache/initramfs-test.gz" \
  --append "console=ttyS0 loglevel=7" --serial "file:$tmp/log" --display none --debugcon none \
  --timeout "${PXOS_LINUX_TIMEOUT:-600}" 2>"$tmp/err" </dev/null
status=$?
echo "pxos exit status $status; its messages:"
cat "$tmp/err"
echo "the kernel's ACPI lines:"
grep -a 'ACPI' "$tmp/log"
fail=0
has() {
  if grep -qaE "$1" "$2"; then echo "ok: $3"; else echo "FAIL: $3 (no line matching '$1')"; fail=1; fi
}
hasnt() {
  if grep -qaE "$1" "$tmp/log"; then echo "FAIL: $2:"; grep -aE "$1" "$tmp/log"; fail=1; else echo "ok: $2"; fi
}
[ "$status" = 0 ] || { echo "FAIL: exit status $status, want 0 (poweroff -f through ACPI S5)"; fail=1; }
has 'powered the machine off \(ACPI S5\)' "$tmp/err" 'pxos says the guest powered off through ACPI S5'
has '^PXOS-LINUX-MARKER' "$tmp/log" '/init ran to its marker'
has 'ACPI: RSDP 0x0+E0000 ' "$tmp/log" 'the RSDP at E0000h'
has 'ACPI: PM: \(supports S0 S5\)' "$tmp/log" 'S0 and S5 from the DSDT'
has 'ACPI: PCI Root Bridge \[PCI0\]' "$tmp/log" 'the PCI host bridge from the DSDT'
has 'clocksource: acpi_pm: mask: 0xffffff ' "$tmp/log" 'the 24-bit PM timer registered as a clocksource'
has 'ACPI: PM: Preparing to enter system sleep state S5' "$tmp/log" 'the kernel entered S5'
hasnt 'ACPI (BIOS )?(Error|Warning)|ACPI Exception' 'no ACPI errors or warnings'
hasnt 'Incorrect checksum|[Ii]nvalid checksum' 'no checksum complaints'
hasnt 'PM-Timer (running at invalid rate|had inconsistent results)' 'the PM timer runs at its rate'
exit $fail
