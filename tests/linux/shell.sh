#!/usr/bin/env bash
# The interactive initramfs (make demo-linux): commands typed on the serial
# console after the shell's prompt get their answers, Ctrl-C stops the command
# in the foreground (the shell has a controlling terminal; the marker comes
# from the process that becomes `sleep`, so a Ctrl-C right after it cannot
# reach the shell between two commands, where ash drops it), and `poweroff -f`
# switches the machine off through ACPI S5 (status 0).
# Usage: shell.sh PXOS CACHE ENGINE
set -u
pxos=$1 cache=$2 engine=$3
[ -s "$cache/initramfs-shell.gz" ] || { echo "FAIL: $cache/initramfs-shell.gz is missing (linux.fetch)"; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$pxos" run --engine "$engine" --kernel "$cache/bzImage" --initrd "$cache/initramfs-shell.gz" --append console=ttyS0 \
  --serial "file:$log" --display none --debugcon none \
  --expect '/ # ' --send-keys 'echo answer=$((6*7)); uname -m\r' \
  --expect '/ # ' --send-keys 'date +%s >/t0; sh -c "echo slee-ping | tr -d -; exec sleep 100"\r' --expect 'sleeping' --send-keys '{ctrl-c}' \
  --expect '/ # ' --send-keys 'echo elapsed=$(($(date +%s) - $(cat /t0)))\r' \
  --expect '/ # ' --send-keys 'poweroff -f\r' --timeout "${PXOS_LINUX_TIMEOUT:-600}"
status=$?
echo "pxos exit status $status; the end of the console:"
tail -n 8 "$log"
fail=0
[ "$status" = 0 ] || { echo "FAIL: exit status $status, want 0 (poweroff -f powers the machine off through ACPI)"; fail=1; }
grep -qa '^answer=42' "$log" || { echo "FAIL: no answer=42 from the shell"; fail=1; }
grep -qa '^i686' "$log" || { echo "FAIL: uname -m did not say i686"; fail=1; }
elapsed=$(grep -a -m1 '^elapsed=' "$log" | tr -dc '0-9')
[ -n "$elapsed" ] && [ "$elapsed" -lt 30 ] || { echo "FAIL: Ctrl-C did not stop sleep 100 (elapsed=${elapsed:-none})"; fail=1; }
! grep -qa "job control turned off" "$log" || { echo "FAIL: the shell has no controlling terminal"; fail=1; }
[ $fail = 0 ] && echo "ok: the shell answered, Ctrl-C stopped sleep after ${elapsed} s, poweroff -f ended the run"
exit $fail
