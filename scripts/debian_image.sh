#!/usr/bin/env bash
# Builds a Debian 12 (bookworm) i386 system disk for pxOS (issue 19) into a
# cache folder (default build/debian; never committed):
#   DIR/disk.img        an ext4 image of the root filesystem (mke2fs -d: no loop mount)
#   DIR/vmlinuz         the image's kernel (linux-image-686), for pxos run --kernel
#   DIR/initrd.img      its initrd, made by the image's initramfs-tools, with the
#                       virtio drivers (/etc/initramfs-tools/modules)
#   DIR/kernel-version  the kernel's version (uname -r)
# Boot it with: --kernel DIR/vmlinuz --initrd DIR/initrd.img
#   --append "root=/dev/vda console=ttyS0 rw" --disk DIR/disk.img --net user
# Log in on the serial console as root, password pxos.
#
# The system: debootstrap --variant=minbase, plus linux-image-686,
# initramfs-tools, systemd-sysv (see below), ifupdown with isc-dhcp-client
# (DHCP on eth0: slirp gives 10.0.2.15), a getty on ttyS0
# (serial-getty@ttyS0), /dev/vda as / in /etc/fstab, hostname pxos-debian,
# apt's sources on the mirror.
#
# systemd rather than sysvinit: it reaches the serial getty sooner on an
# emulated CPU. Under QEMU TCG (same kernel, initrd, disk, virtio-blk,
# virtio-net), three boots each to the login prompt took 56, 45 and 34 s with
# systemd and 72, 62 and 42 s with sysvinit (a busy 2-core machine): sysvinit's
# rcS runs dozens of shell scripts, each a chain of fork and exec, where
# systemd starts the same work from C. PXOS_DEBIAN_INIT=sysvinit builds the
# sysvinit one (getty from /etc/inittab).
#
# Environment:
#   PXOS_DEBIAN_MIRROR    the Debian archive (default http://deb.debian.org/debian,
#                         where apt goes); a local mirror for offline builds
#   PXOS_DEBIAN_SECURITY  the security archive (default
#                         http://deb.debian.org/debian-security with the default
#                         mirror, none with another one); "none": no security updates
#   PXOS_DEBIAN_SIZE      the image's size (default 2G; mke2fs's units)
#   PXOS_DEBIAN_INIT      systemd (default) or sysvinit
#   FORCE=1               rebuild even when the cached image is current
# The cache is current when DIR/inputs (this script's checksum and the
# variables above) matches; downloaded packages stay in DIR/debs for the
# next build. Needs root (debootstrap chroots and makes device nodes).
#   debian_image.sh [DIR]          builds (or reuses) the image
#   debian_image.sh --current DIR  exits 0 when DIR holds a current image, 1 otherwise
set -eu

fail() {
  echo "debian_image: $*" >&2
  exit 1
}

only_check=
if [ "${1:-}" = --current ]; then
  only_check=1
  shift
fi
case ${1:-} in
  -*) echo "usage: $0 [--current] [DIR]" >&2; exit 2 ;;
esac
dir=${1:-build/debian}

default_mirror=http://deb.debian.org/debian
mirror=${PXOS_DEBIAN_MIRROR:-$default_mirror}
mirror=${mirror%/}
if [ -n "${PXOS_DEBIAN_SECURITY:-}" ]; then
  security=$PXOS_DEBIAN_SECURITY
elif [ "$mirror" = "$default_mirror" ]; then
  security=http://deb.debian.org/debian-security
else
  security=none
fi
security=${security%/}
size=${PXOS_DEBIAN_SIZE:-2G}
init=${PXOS_DEBIAN_INIT:-systemd}
suite=bookworm
case $init in
  sysvinit | systemd) ;;
  *) echo "debian_image: PXOS_DEBIAN_INIT must be sysvinit or systemd, not '$init'" >&2; exit 2 ;;
esac
case $mirror in
  http://* | https://* | file:///*) ;;
  *) echo "debian_image: PXOS_DEBIAN_MIRROR must be an http://, https:// or file:/// URL, not '$mirror'" >&2; exit 2 ;;
esac

script_sum=$(sha256sum "$0" | cut -d' ' -f1)
inputs="script=$script_sum suite=$suite mirror=$mirror security=$security size=$size init=$init"
current() {
  [ -s "$dir/disk.img" ] && [ -s "$dir/vmlinuz" ] && [ -s "$dir/initrd.img" ] && [ -s "$dir/kernel-version" ] &&
    [ "$(cat "$dir/inputs" 2>/dev/null)" = "$inputs" ]
}
if [ -n "$only_check" ]; then
  current
  exit
fi
if [ "${FORCE:-}" != 1 ] && current; then
  echo "debian_image: $dir/disk.img is current ($(cat "$dir/kernel-version")); FORCE=1 rebuilds it"
  exit 0
fi

[ "$(id -u)" = 0 ] || fail "needs root: debootstrap chroots into the new system and makes its device nodes (run it with sudo)"
for tool in debootstrap mke2fs chroot mount umount sha256sum; do
  command -v "$tool" >/dev/null || fail "needs $tool: run scripts/deps.sh"
done
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -s "$keyring" ] || fail "needs $keyring (the package debian-archive-keyring): run scripts/deps.sh"

mkdir -p "$dir/debs"
dir=$(cd "$dir" && pwd)
root=$dir/root
started=$(date +%s)

# Whatever is mounted in the chroot comes off again, however the script ends.
unmount_all() {
  local m
  for m in dev/pts proc sys; do
    if mountpoint -q "$root/$m" 2>/dev/null; then umount -l "$root/$m" || true; fi
  done
}
trap unmount_all EXIT

unmount_all
rm -rf "$root" "$dir/inputs"
mkdir -p "$root/var/cache/apt/archives"
# The packages of the last build: debootstrap and apt take a .deb that is
# already in the archives folder instead of downloading it again.
find "$dir/debs" -name '*.deb' -exec cp -l {} "$root/var/cache/apt/archives/" \;

packages=initramfs-tools,zstd,ifupdown,isc-dhcp-client,iproute2,ca-certificates,less,procps
if [ "$init" = sysvinit ]; then
  packages+=,sysvinit-core
else
  packages+=,systemd-sysv
fi
echo "debian_image: debootstrap $suite (i386, minbase, $init) from $mirror into $root"
if ! debootstrap --arch=i386 --variant=minbase --keyring="$keyring" --include="$packages" \
  "$suite" "$root" "$mirror" >"$dir/debootstrap.log" 2>&1; then
  tail -n 5 "$dir/debootstrap.log" >&2
  fail "debootstrap failed (its log: $dir/debootstrap.log): no network, or no Debian archive at $mirror"
fi

in_root() {
  chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
# No daemon starts inside the chroot while packages are installed.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

# The system's identity, its disk and its console.
echo pxos-debian >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tpxos-debian\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
printf '# <file system> <mount point> <type> <options> <dump> <pass>\n/dev/vda / ext4 errors=remount-ro 0 1\n' \
  >"$root/etc/fstab"
echo 'root:pxos' | in_root chpasswd
if [ "$init" = sysvinit ]; then
  sed -i '/^[^#]*getty.*ttyS0/d' "$root/etc/inittab"
  echo 'T0:2345:respawn:/sbin/getty -L ttyS0 115200 vt100' >>"$root/etc/inittab"
else
  mkdir -p "$root/etc/systemd/system/getty.target.wants"
  ln -sf /lib/systemd/system/serial-getty@.service \
    "$root/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service"
fi

# The network: DHCP on the virtio-net interface, named eth0 (no predictable
# names, whose form depends on the PCI slot; set before the kernel comes, as
# the initrd's udev takes these files too).
mkdir -p "$root/etc/systemd/network"
ln -sf /dev/null "$root/etc/systemd/network/99-default.link"
mkdir -p "$root/etc/udev/rules.d"
ln -sf /dev/null "$root/etc/udev/rules.d/80-net-setup-link.rules"
cat >"$root/etc/network/interfaces" <<'EOF'
# The virtio-net interface; pxos --net user (slirp) answers DHCP with 10.0.2.15.
auto lo
iface lo inet loopback

allow-hotplug eth0
iface eth0 inet dhcp
EOF

# The initrd: the virtio drivers and ext4, loaded before the root is
# mounted. Set before the kernel comes: its installation makes the initrd.
cat >>"$root/etc/initramfs-tools/modules" <<'EOF'
# pxOS: the root is /dev/vda on virtio-blk (PCI)
virtio_pci
virtio_blk
virtio_net
virtio_rng
ext4
EOF
sed -i 's/^COMPRESS=.*/COMPRESS=zstd/' "$root/etc/initramfs-tools/initramfs.conf"

# apt: the mirror (and the security archive), then the updates of both.
{
  echo "deb $mirror $suite main"
  echo "deb $mirror $suite-updates main"
  [ "$security" = none ] || echo "deb $security $suite-security main"
} >"$root/etc/apt/sources.list"
# The kernel comes after the upgrade: the newest one, installed once, without
# its Recommends (apparmor alone would add 25 s to a boot under QEMU TCG).
echo "debian_image: apt-get update, upgrade, install linux-image-686 (security and point updates)"
apt_get() {
  in_root apt-get -y -q -o Dpkg::Options::=--force-confold -o APT::Install-Recommends=false "$@" \
    >>"$dir/debootstrap.log" 2>&1
}
if ! apt_get update || ! apt_get dist-upgrade || ! apt_get install linux-image-686; then
  tail -n 5 "$dir/debootstrap.log" >&2
  fail "apt-get in the new system failed (its log: $dir/debootstrap.log)"
fi

# slirp's DNS until dhclient writes its own (debootstrap copied the host's).
echo 'nameserver 10.0.2.3' >"$root/etc/resolv.conf"
ln -sf /proc/mounts "$root/etc/mtab"  # as initscripts wants it (mtab_migrate)

# Keep the packages for the next build, then leave them out of the image.
find "$dir/debs" -name '*.deb' -delete
in_root apt-get -q autoclean >/dev/null  # versions that the archive no longer has
find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -l {} "$dir/debs/" \;
in_root apt-get clean
rm -rf "$root/var/lib/apt/lists/"* "$root/usr/sbin/policy-rc.d" "$root/var/log/"*.log
unmount_all

vmlinuz=$(ls "$root"/boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
[ -n "$vmlinuz" ] || fail "the new system has no /boot/vmlinuz-*"
version=${vmlinuz##*/vmlinuz-}
[ -s "$root/boot/initrd.img-$version" ] || fail "the new system has no /boot/initrd.img-$version"
cp "$vmlinuz" "$dir/vmlinuz.new" && mv "$dir/vmlinuz.new" "$dir/vmlinuz"
cp "$root/boot/initrd.img-$version" "$dir/initrd.img.new" && mv "$dir/initrd.img.new" "$dir/initrd.img"
echo "$version" >"$dir/kernel-version"

echo "debian_image: mke2fs -t ext4 -d (size $size)"
rm -f "$dir/disk.img.new"
mke2fs -q -t ext4 -L debian-root -d "$root" "$dir/disk.img.new" "$size" >>"$dir/debootstrap.log" 2>&1 ||
  fail "mke2fs failed (its log: $dir/debootstrap.log; PXOS_DEBIAN_SIZE=$size may be too small)"
mv "$dir/disk.img.new" "$dir/disk.img"
rm -rf "$root"
echo "$inputs" >"$dir/inputs"

used=$(du -k "$dir/disk.img" | cut -f1)
echo "debian_image: $dir/disk.img ($size, $((used / 1024)) MiB allocated), vmlinuz and initrd.img ($version)" \
  "in $(($(date +%s) - started)) s"
echo "debian_image: log in on the serial console as root, password pxos"
