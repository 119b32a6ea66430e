#!/usr/bin/env bash
# GDB in batch mode against guests/gdb_target.bin on pxos's GDB stub: break at
# the boot sector, step, a write watchpoint with its old and new values, write a
# register and memory and see the guest print them, continue to the guest's exit.
#   session.sh ENGINE PXOS GUEST [--deterministic]
# With --deterministic it also checks that the run stopped by the debugger ends
# as one without it (the guest's tick-timed count is the same).
set -u
engine=$1 pxos=$2 guest=$3 det=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
gdb_test_setup "$engine"

cat >"$tmp/script.gdb" <<GDB
set pagination off
set confirm off
target remote 127.0.0.1:$port
printf "start %x:%x\n", \$cs, \$pc
break *0x7c00
continue
printf "at %x\n", \$pc
stepi
printf "stepped to %x\n", \$pc
x/2xb 0x7c00
watch *(short*)0x7d00
continue
delete
break *0x7c80
continue
printf "at report %x\n", \$pc
x/1i \$pc
set \$ebx = 0x4b4f
set {char}0x7d02 = 'Z'
monitor engine
delete
set {char}0x7d03 = 7
continue
GDB

"$pxos" run --engine "$engine" --boot-sector "$guest" --display none --timeout 60 $det \
  --gdb tcp:127.0.0.1:$port --gdb-wait >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for_gdb "$tmp/err" || exit 1
timeout 60 gdb -batch -nx -x "$tmp/script.gdb" >"$tmp/gdb" 2>&1
wait_status $pid 30 || exit 1
fail=0
expect_in "$tmp/gdb" "start f000:fff0" || fail=1        # held before the first instruction
expect_in "$tmp/gdb" "at 7c00" || fail=1                # the breakpoint at the boot sector
expect_in "$tmp/gdb" "stepped to 7c01" || fail=1        # one instruction (CLI)
expect_in "$tmp/gdb" "0x7c00:	0xfa	0x31" || fail=1   # memory: the code there
expect_in "$tmp/gdb" "Old value = 0" || fail=1          # the watchpoint, after the write
expect_in "$tmp/gdb" "New value = 4660" || fail=1
expect_in "$tmp/gdb" "at report 7c80" || fail=1
expect_in "$tmp/gdb" "mov    0x7d02,%al" || fail=1     # 16-bit disassembly: the description says i8086
expect_in "$tmp/gdb" "$engine" || fail=1                # monitor engine
expect_in "$tmp/out" "ZOK" || fail=1                    # the guest used the written memory and BX
if [ "$status" != 7 ]; then echo "FAIL: pxos exited with $status, not the guest's 7" >&2; fail=1; fi
if [ -n "$det" ]; then
  "$pxos" run --engine "$engine" --boot-sector "$guest" --display none --timeout 2 $det >"$tmp/alone" 2>/dev/null
  if [ "$(head -1 "$tmp/alone")" != "$(head -1 "$tmp/out")" ]; then
    echo "FAIL: the count differs with the debugger: $(head -1 "$tmp/out") vs $(head -1 "$tmp/alone") alone" >&2
    fail=1
  fi
fi
[ -n "${VERBOSE:-}" ] && cat "$tmp/gdb"
if [ $fail = 0 ]; then echo "ok: gdb session on $engine $det"; else cat "$tmp/gdb" "$tmp/err" >&2; fi
exit $fail
