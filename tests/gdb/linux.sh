#!/usr/bin/env bash
# GDB stops Debian's 686 kernel where its decompressor hands over to the
# kernel proper (startup_32 at the setup header's pref_address, with nokaslr),
# and again at its first instruction after that, then kills the run. (Debian's
# System.map is a stub, the real one is in the -dbg package: start_kernel's
# address is out of reach here.)
#   linux.sh ENGINE PXOS CACHE   (CACHE: the linux.fetch fixture's folder)
set -u
engine=$1 pxos=$2 cache=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
command -v gdb >/dev/null || { echo "SKIP: gdb is not installed (scripts/deps.sh installs it)"; exit 77; }
if [ "$engine" = kvm ] && [ "${PXOS_LINUX_KVM:-}" != 1 ]; then
  echo "SKIP: a Linux boot on this host's nested KVM takes minutes; set PXOS_LINUX_KVM=1 to run it"
  exit 77
fi
for f in bzImage initramfs-test.gz; do
  [ -s "$cache/$f" ] || { echo "FAIL: $cache/$f is missing: the linux.fetch fixture did not run or failed"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The boot protocol's pref_address (setup header offset 258h, 64 bits): where
# the decompressed kernel starts.
addr=$(od -An -tx8 -j $((0x258)) -N8 "$cache/bzImage" | tr -d ' ' | sed 's/^0*//')
[ -n "$addr" ] || { echo "FAIL: no pref_address in $cache/bzImage"; exit 1; }
port=$(free_port)
cat >"$tmp/script.gdb" <<GDB
set pagination off
set confirm off
target remote 127.0.0.1:$port
break *0x$addr
continue
printf "stopped at %x\n", \$pc
monitor info
stepi
printf "stepped to %x\n", \$pc
kill
GDB
"$pxos" run --engine "$engine" --kernel "$cache/bzImage" --initrd "$cache/initramfs-test.gz" --append "console=ttyS0 nokaslr" \
  --display none --debugcon none --timeout 600 --gdb tcp:127.0.0.1:$port --gdb-wait >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for_gdb "$tmp/err" || exit 1
timeout 600 gdb -batch -nx -x "$tmp/script.gdb" >"$tmp/gdb" 2>&1
wait_status $pid 30 || exit 1
fail=0
expect_in "$tmp/gdb" "stopped at $addr" || fail=1
expect_in "$tmp/gdb" "mode protected, CS:EIP 0010:0$addr" || fail=1  # flat, paging not on yet
grep -q "stepped to $addr" "$tmp/gdb" && { echo "FAIL: stepi did not move" >&2; fail=1; }
expect_in "$tmp/gdb" "stepped to" || fail=1
expect_in "$tmp/err" "killed" || fail=1
[ "$status" = 0 ] || { echo "FAIL: pxos exited with $status after kill" >&2; fail=1; }
if [ $fail = 0 ]; then echo "ok: the kernel stopped at $addr on $engine"; else cat "$tmp/gdb" "$tmp/err" >&2; fi
exit $fail
