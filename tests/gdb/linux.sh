#!/usr/bin/env bash
# GDB stops Debian's 686 kernel at start_kernel, by its address. Debian's
# System.map is a stub (the real one is in the -dbg package), so a first boot
# (nokaslr: the package's config has CONFIG_RANDOMIZE_BASE) asks the kernel
# itself: the test initramfs's /init, given pxos_kallsyms=start_kernel,
# prints start_kernel's line of /proc/kallsyms and powers off. A second boot,
# under --gdb --gdb-wait, then breaks where the decompressor hands over to the
# kernel proper (startup_32 at the setup header's pref_address, paging off),
# then at start_kernel (paging on, 0xC1xxxxxx), shows the registers, steps and
# kills the run.
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
timeout=600
[ "$engine" = kvm ] && timeout=1800  # as tests/linux/boot.sh
args=(--engine "$engine" --kernel "$cache/bzImage" --initrd "$cache/initramfs-test.gz" --display none --debugcon none)

# The first boot: start_kernel's address, from /proc/kallsyms.
. "$here/../linux/run_to_marker.sh"
run_to_marker "$tmp/console" "$pxos" run "${args[@]}" --append "console=ttyS0 nokaslr pxos_kallsyms=start_kernel" \
  --timeout $timeout
sym=$(grep -a -m1 '^pxos-kallsyms: ' "$tmp/console" | tr -d '\r')
kernel=$(echo "$sym" | sed -n 's/^pxos-kallsyms: \([0-9a-f]\{8\}\) [Tt] start_kernel$/\1/p' | sed 's/^0*//')
if [ "$status" != 0 ] || [ -z "$kernel" ] || [ "$kernel" = 0 ]; then
  echo "FAIL: no start_kernel address from /proc/kallsyms (pxos status $status, line '$sym'); the console:" >&2
  tail -n 20 "$tmp/console" >&2
  exit 1
fi
echo "start_kernel is at $kernel"

# The second boot, under GDB. The boot protocol's pref_address (setup header
# offset 258h, 64 bits): where the decompressed kernel starts.
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
delete
break *0x$kernel
continue
printf "stopped at start_kernel %x\n", \$pc
monitor info
info registers
stepi
printf "stepped to %x\n", \$pc
kill
GDB
"$pxos" run "${args[@]}" --append "console=ttyS0 nokaslr" --timeout $timeout \
  --gdb tcp:127.0.0.1:$port --gdb-wait >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for_gdb "$tmp/err" || exit 1
timeout $timeout gdb -batch -nx -x "$tmp/script.gdb" >"$tmp/gdb" 2>&1
wait_status $pid 30 || exit 1
fail=0
expect_in "$tmp/gdb" "stopped at $addr" || fail=1
expect_in "$tmp/gdb" "mode protected, CS:EIP 0010:0$addr" || fail=1  # flat, paging not on yet
expect_in "$tmp/gdb" "stopped at start_kernel $kernel" || fail=1
expect_in "$tmp/gdb" "mode protected with paging, CS:EIP 0060:${kernel^^}" || fail=1  # __KERNEL_CS
grep -qE "^eip +0x$kernel " "$tmp/gdb" || { echo "FAIL: info registers shows no eip 0x$kernel" >&2; fail=1; }
grep -q "stepped to $kernel" "$tmp/gdb" && { echo "FAIL: stepi did not move" >&2; fail=1; }
expect_in "$tmp/gdb" "stepped to c" || fail=1  # still in the kernel's 0xC0000000 half
expect_in "$tmp/err" "killed" || fail=1
[ "$status" = 0 ] || { echo "FAIL: pxos exited with $status after kill" >&2; fail=1; }
[ -n "${VERBOSE:-}" ] && cat "$tmp/gdb"
if [ $fail = 0 ]; then echo "ok: the kernel stopped at $addr and at start_kernel ($kernel) on $engine"; else cat "$tmp/gdb" "$tmp/err" >&2; fi
exit $fail
