#!/usr/bin/env bash
# EXTLINUX on a hard-disk image loads the same kernel and test initramfs
# through INT 13h and boots them to the marker (the third boot path: the
# kernel's setup as a real boot loader starts it).
# Usage: extlinux.sh PXOS CACHE ENGINE
# EXTLINUX installs only into a mounted file system: without root and loop
# mounts the test says so and is skipped (status 77).
set -u
pxos=$1 cache=$2 engine=$3
mbr=/usr/lib/syslinux/mbr/mbr.bin
if [ "$(id -u)" != 0 ] || ! command -v extlinux >/dev/null || ! command -v mkfs.ext2 >/dev/null || [ ! -f "$mbr" ]; then
  echo "skipped: needs root, extlinux, mkfs.ext2 and $mbr (EXTLINUX installs into a mounted file system)"
  exit 77
fi
for f in bzImage initramfs-test.gz; do
  [ -s "$cache/$f" ] || { echo "FAIL: $cache/$f is missing: the linux.fetch fixture did not run or failed"; exit 1; }
done
work=$(mktemp -d)
mnt=$work/mnt
mkdir "$mnt"
trap 'umount "$mnt" 2>/dev/null; rm -rf "$work"' EXIT
truncate -s 63M "$work/part"
mkfs.ext2 -q -F "$work/part" >/dev/null 2>&1
if ! mount -o loop "$work/part" "$mnt" 2>/dev/null; then
  echo "skipped: loop mounts do not work here"
  exit 77
fi
extlinux --install "$mnt" >/dev/null 2>&1
cp "$cache/bzImage" "$mnt/bzImage"
cp "$cache/initramfs-test.gz" "$mnt/initrd.gz"
printf 'DEFAULT linux\nPROMPT 0\nTIMEOUT 0\nLABEL linux\n  KERNEL /bzImage\n  INITRD /initrd.gz\n  APPEND console=ttyS0 earlyprintk=serial,ttyS0\n' \
  >"$mnt/extlinux.conf"
umount "$mnt"
hd=$work/hd.img
truncate -s 64M "$hd"
dd if="$mbr" of="$hd" bs=440 count=1 conv=notrunc status=none
le32() { printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $(($1 >> 8 & 255)))\\$(printf %03o $(($1 >> 16 & 255)))\\$(printf %03o $(($1 >> 24 & 255)))"; }
{ printf '\200\376\377\377\203\376\377\377'; le32 2048; le32 129024; } | dd of="$hd" bs=1 seek=446 conv=notrunc status=none
printf '\125\252' | dd of="$hd" bs=1 seek=510 conv=notrunc status=none
dd if="$work/part" of="$hd" bs=1M seek=1 conv=notrunc status=none
log=$work/console.log
timeout=${PXOS_LINUX_TIMEOUT:-600}
. "$(dirname "$0")/run_to_marker.sh"
run_to_marker "$log" "$pxos" run --engine "$engine" --hda "$hd" --memory 128M --display none --debugcon none \
  --timeout "$timeout"
echo "pxos exit status $status; the last lines of the serial console:"
tail -n 20 "$log"
[ "$status" = 0 ] && grep -q '^pxos-arith: 42' "$log" && { echo "ok: EXTLINUX booted Linux to the marker"; exit 0; }
echo "FAIL: the marker did not appear"
exit 1
