#!/usr/bin/env bash
# GDB's stepi over an INT n in real mode, back out of its handler with IRET,
# over the MOV to CR0 that turns protected mode on, over the far jump that
# loads a 32-bit CS, and over an INT n through a protected-mode interrupt gate
# and its IRETD, in guests/gdb_modes.bin, checking where each step lands: a
# step over INT n stops at the handler's first instruction (as QEMU's does),
# the one over MOV CR0 at the next instruction with the real-mode CS still
# loaded, the far jump at its target with CS 08h.
#   modes.sh ENGINE PXOS GUEST
set -u
engine=$1 pxos=$2 guest=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
gdb_test_setup "$engine"

cat >"$tmp/script.gdb" <<GDB
set pagination off
set confirm off
target remote 127.0.0.1:$port
break *0x7c40
continue
printf "at int %x:%x\n", \$cs, \$pc
stepi
printf "int stepped to %x:%x\n", \$cs, \$pc
stepi
stepi
printf "handler at %x\n", \$pc
stepi
printf "iret stepped to %x:%x\n", \$cs, \$pc
delete
break *0x7c50
continue
printf "at mov cr0 %x:%x\n", \$cs, \$pc
stepi
printf "cr0 stepped to %x:%x\n", \$cs, \$pc
monitor info
stepi
printf "far jump stepped to %x:%x\n", \$cs, \$pc
monitor info
stepi
printf "32-bit step to %x\n", \$pc
delete
break *0x7c70
continue
printf "at pm int %x:%x\n", \$cs, \$pc
stepi
printf "pm int stepped to %x:%x\n", \$cs, \$pc
stepi
stepi
printf "pm handler at %x\n", \$pc
stepi
printf "iretd stepped to %x:%x\n", \$cs, \$pc
continue
GDB

"$pxos" run --engine "$engine" --boot-sector "$guest" --display none --timeout 60 \
  --gdb tcp:127.0.0.1:$port --gdb-wait >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for_gdb "$tmp/err" || exit 1
timeout 60 gdb -batch -nx -x "$tmp/script.gdb" >"$tmp/gdb" 2>&1
wait_status $pid 30 || exit 1
fail=0
expect_in "$tmp/gdb" "at int 0:7c40" || fail=1
expect_in "$tmp/gdb" "int stepped to 0:7c80" || fail=1       # INT 60h: into its handler
expect_in "$tmp/gdb" "handler at 7c84" || fail=1             # MOV AL and OUT, one step each
expect_in "$tmp/gdb" "iret stepped to 0:7c42" || fail=1      # IRET: after the INT
expect_in "$tmp/gdb" "at mov cr0 0:7c50" || fail=1
expect_in "$tmp/gdb" "cr0 stepped to 0:7c53" || fail=1
expect_in "$tmp/gdb" "mode protected, CS:EIP 0000:00007C53" || fail=1  # PE on, CS still real mode's
expect_in "$tmp/gdb" "far jump stepped to 8:7c60" || fail=1
expect_in "$tmp/gdb" "mode protected, CS:EIP 0008:00007C60" || fail=1
expect_in "$tmp/gdb" "32-bit step to 7c64" || fail=1         # 66 B8 10 00: MOV AX,10h in 32-bit code
expect_in "$tmp/gdb" "at pm int 8:7c70" || fail=1
expect_in "$tmp/gdb" "pm int stepped to 8:7c90" || fail=1    # INT 30h through a 32-bit interrupt gate
expect_in "$tmp/gdb" "pm handler at 7c94" || fail=1
expect_in "$tmp/gdb" "iretd stepped to 8:7c72" || fail=1
expect_in "$tmp/out" "IRTP" || fail=1                        # the guest ran each part once
if [ "$status" != 0 ]; then echo "FAIL: pxos exited with $status, not the guest's 0" >&2; fail=1; fi
[ -n "${VERBOSE:-}" ] && cat "$tmp/gdb"
if [ $fail = 0 ]; then echo "ok: gdb steps over INT n and the mode switch on $engine"; else cat "$tmp/gdb" "$tmp/err" >&2; fi
exit $fail
