#!/usr/bin/env bash
# The serial console's quit key: Ctrl-A x on stdin (with --serial stdio)
# ends a guest that would run forever, with status 0; without it the run
# goes on until --timeout. Stdin is no terminal here: no banner on stderr
# (tests/guest/pty_test.cpp has the interactive runs). Usage: serial_quit.sh
# PXOS GUEST_BIN
set -u
pxos=$1 guest=$2
err=$(mktemp)
trap 'rm -f "$err"' EXIT
(sleep 0.5; printf 'ls\r\001x') | "$pxos" run --engine soft --boot-sector "$guest" --serial stdio --display none \
  --debugcon none --timeout 20 >/dev/null 2>"$err"
status=$?
[ "$status" = 0 ] || { echo "FAIL: Ctrl-A x: exit status $status, want 0"; exit 1; }
echo "ok: Ctrl-A x quits (status 0)"
[ ! -s "$err" ] || { echo "FAIL: a scripted run wrote to stderr:"; cat "$err"; exit 1; }
echo "ok: no banner when stdin is not a terminal"
(sleep 0.5; printf 'ls\r\001\001') | "$pxos" run --engine soft --boot-sector "$guest" --serial stdio --display none \
  --debugcon none --timeout 2 >/dev/null 2>&1
status=$?
[ "$status" = 124 ] || { echo "FAIL: without Ctrl-A x: exit status $status, want 124 (timeout)"; exit 1; }
echo "ok: Ctrl-A Ctrl-A does not quit (status 124 at the timeout)"
