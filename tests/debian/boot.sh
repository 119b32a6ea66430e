#!/usr/bin/env bash
# Boots the Debian system disk of scripts/debian_image.sh on pxos from
# virtio-blk (--disk, copy-on-write) to the login prompt on ttyS0, logs in as
# root (password pxos), checks that / is /dev/vda (ext4) and the kernel the one
# copied out, and powers off: pxos must end with status 0 (ACPI S5).
# Usage: boot.sh PXOS SOURCE_DIR IMAGE_DIR ENGINE
# Skips (77) without a current image (see current_image.sh).
set -u
pxos=$1 src=$2 dir=$3 engine=$4
. "$src/tests/debian/current_image.sh"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
version=$(cat "$dir/kernel-version")
start=$(date +%s)
# The first --expect waits for the serial getty's banner: the getty on the VGA
# console (tty1) prints its "login:" earlier, and keys typed then are lost.
"$pxos" run --engine "$engine" --kernel "$dir/vmlinuz" --initrd "$dir/initrd.img" \
  --append "root=/dev/vda console=ttyS0 rw" --disk "$dir/disk.img" --serial "file:$log" --display none \
  --debugcon none --expect 'pxos-debian ttyS0' --send-keys 'root\r' --expect 'Password:' --send-keys 'pxos\r' \
  --expect ':~# ' --send-keys 'echo root-is-$(findmnt -n -o SOURCE,FSTYPE / | tr -s " " :); uname -r; poweroff\r' \
  --timeout "${PXOS_DEBIAN_TIMEOUT:-600}"
status=$?
echo "pxos exit status $status after $(($(date +%s) - start)) s; the end of the serial console:"
tail -n 15 "$log"
fail=0
check() {
  if grep -aqE "$1" "$log"; then echo "ok: $2"; else echo "FAIL: $2 (no line matching '$1')"; fail=1; fi
}
check 'pxos-debian login:' "the serial getty asked for a login"
# (bash starts the line with its bracketed-paste escape; the typed command has no /dev/vda)
check 'root-is-/dev/vda:ext4' "root logged in; / is /dev/vda, ext4"
check "^${version//./\\.}" "the kernel is $version"
if [ "$status" != 0 ]; then
  echo "FAIL: pxos ended with status $status, not 0 (the guest's poweroff: ACPI S5)"
  fail=1
fi
exit $fail
