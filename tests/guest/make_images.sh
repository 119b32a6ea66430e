#!/usr/bin/env bash
# Builds the real-guest disk images that the guest tests boot, from Debian's
# packages, into the folder given (they are never committed):
#   syslinux-floppy.img  a 1.44 MB FAT floppy with SYSLINUX, stopping at boot:
#   extlinux-hd.img      a 32 MiB MBR hard disk: syslinux's MBR, one active
#                        ext2 partition with EXTLINUX, stopping at boot:
# EXTLINUX installs only into a mounted file system: without loop mounts
# (not root, or no loop devices) that image is not made and the script says so.
set -eu
out=$1
mkdir -p "$out"
mbr=/usr/lib/syslinux/mbr/mbr.bin
for tool in syslinux mformat mcopy; do
  command -v $tool >/dev/null || { echo "make_images.sh: $tool is missing (Debian packages syslinux, mtools)"; exit 1; }
done

# SYSLINUX floppy.
f=$out/syslinux-floppy.img
rm -f "$f"
mformat -C -f 1440 -v PXOS -i "$f" ::
syslinux --install "$f"
printf 'SAY pxos: syslinux config read\nPROMPT 1\nTIMEOUT 0\n' > "$out/syslinux.cfg"
mcopy -o -i "$f" "$out/syslinux.cfg" ::/syslinux.cfg
echo "made $f"

# EXTLINUX hard disk.
hd=$out/extlinux-hd.img
rm -f "$hd" "$hd.part"
if [ "$(id -u)" != 0 ] || ! command -v extlinux >/dev/null || ! command -v mkfs.ext2 >/dev/null; then
  echo "make_images.sh: cannot make $hd: needs root, extlinux and mkfs.ext2 (EXTLINUX installs into a mounted file system)"
  exit 0
fi
truncate -s 31M "$hd.part"
mkfs.ext2 -q -F "$hd.part" >/dev/null 2>&1
mnt=$(mktemp -d)
if ! mount -o loop "$hd.part" "$mnt" 2>/dev/null; then
  rmdir "$mnt"
  rm -f "$hd.part"
  echo "make_images.sh: cannot make $hd: loop mounts do not work here"
  exit 0
fi
trap 'umount "$mnt" 2>/dev/null || true; rmdir "$mnt" 2>/dev/null || true' EXIT
extlinux --install "$mnt" >/dev/null 2>&1
printf 'SAY pxos: extlinux config read\nPROMPT 1\nTIMEOUT 0\n' > "$mnt/extlinux.conf"
umount "$mnt"
truncate -s 32M "$hd"
dd if="$mbr" of="$hd" bs=440 count=1 conv=notrunc status=none
# One partition from 1 MiB to the end (LBA 2048, 63488 sectors), type 83,
# active; CHS fields at their "use LBA" maximum; then the 55AAh signature.
le32() { printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $(($1 >> 8 & 255)))\\$(printf %03o $(($1 >> 16 & 255)))\\$(printf %03o $(($1 >> 24 & 255)))"; }
{ printf '\200\376\377\377\203\376\377\377'; le32 2048; le32 63488; } | dd of="$hd" bs=1 seek=446 conv=notrunc status=none
printf '\125\252' | dd of="$hd" bs=1 seek=510 conv=notrunc status=none
dd if="$hd.part" of="$hd" bs=1M seek=1 conv=notrunc status=none
rm -f "$hd.part"
echo "made $hd"
