#!/usr/bin/env bash
# --expect/--send-keys on serial output: a guest shell on COM1 gets two
# lines, each after its own prompt (the second --expect must not match the
# first prompt again), and the run ends at the second reply.
# Usage: serial_script.sh PXOS GUEST_BIN
set -u
pxos=$1 guest=$2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$pxos" run --engine soft --boot-sector "$guest" --serial "file:$log" --display none --debugcon none \
  --send-keys-to serial --expect 'ready> ' --send-keys 'first\r' --expect 'ready> ' --send-keys 'echo $((6*7)){enter}' \
  --until-text 'got: echo $((6*7))' --timeout 20
status=$?
cat "$log"; echo
[ "$status" = 0 ] || { echo "FAIL: exit status $status, want 0 (the reply to the second line)"; exit 1; }
grep -q 'got: first' "$log" || { echo "FAIL: the first line was not received"; exit 1; }
echo "ok: both lines typed on COM1 after their prompts"
"$pxos" run --engine soft --boot-sector "$guest" --serial null --display none --debugcon none \
  --send-keys-to serial --expect 'ready> ' --send-keys 'exit\r' --timeout 20
status=$?
[ "$status" = 0 ] || { echo "FAIL: 'exit': status $status, want the guest's 0"; exit 1; }
echo "ok: the guest read 'exit' and ended with status 0"
