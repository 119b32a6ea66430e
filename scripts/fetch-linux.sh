#!/usr/bin/env bash
# Fetches Debian's stock i386 686 kernel and a static busybox for the Linux
# tests, bench and demo, with apt-get download, into a cache folder (default
# build/linux; never committed), and unpacks them with dpkg-deb:
#   DIR/bzImage   the kernel (linux-image-<newest>-686-unsigned:i386, or the
#                 signed package of the same version when there is no
#                 unsigned one)
#   DIR/busybox   busybox-static:i386
#   DIR/modules/  the kernel's virtio modules (virtio, virtio_ring, the PCI
#                 transport and virtio_blk: Debian builds them as modules)
# Adds the i386 architecture to dpkg first when it is missing (as root).
# Exits 1 with a message that says what is missing when it cannot.
set -eu
dir=${1:-build/linux}
mkdir -p "$dir/debs"
dir=$(cd "$dir" && pwd)

fail() {
  echo "fetch-linux: $*" >&2
  exit 1
}

if [ -s "$dir/bzImage" ] && [ -s "$dir/busybox" ] && [ -s "$dir/modules/virtio_blk.ko" ]; then
  exit 0  # cached
fi
for tool in apt-get apt-cache dpkg dpkg-deb; do
  command -v "$tool" >/dev/null || fail "needs $tool (a Debian or Ubuntu host)"
done

# apt-get update, as root and once: on a fresh machine the package lists are
# empty, on an old one they may name packages the mirror no longer has.
updated=
update_lists() {
  [ "$(id -u)" = 0 ] && [ -z "$updated" ] || return 1
  updated=1
  echo "fetch-linux: apt-get update"
  # It exits 0 when it cannot reach a mirror (it only warns): what it said
  # goes into the message of a later failure.
  update_said=$(apt-get update -qq 2>&1) || fail "apt-get update failed: $(printf '%s' "$update_said" | tail -n 1)"
  update_said=$(printf '%s\n' "$update_said" | grep -m 1 'Failed to fetch' || true)
}
# The reason of a failure after apt-get update: the first mirror it could not reach.
unreached() {
  [ -n "${update_said:-}" ] && echo " (apt-get update: ${update_said#W: })"
}

if ! dpkg --print-foreign-architectures | grep -qx i386 && [ "$(dpkg --print-architecture)" != i386 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "fetch-linux: adding the i386 architecture to dpkg"
    dpkg --add-architecture i386
    update_lists
  else
    fail "the i386 architecture is missing; run: sudo dpkg --add-architecture i386 && sudo apt-get update"
  fi
fi

# The newest 686 kernel: the package that the linux-image-686 metapackage
# depends on (its -unsigned twin where there is one).
newest() {
  apt-cache depends linux-image-686:i386 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {sub(/:i386$/, "", $2); print $2; exit}'
}
resolve() {
  kernel=$(newest)
  if [ -z "$kernel" ]; then
    [ "$(id -u)" = 0 ] || fail "apt-cache knows no linux-image-686:i386: run sudo apt-get update (the package lists may be empty)"
    update_lists || true
    kernel=$(newest)
    [ -n "$kernel" ] ||
      fail "apt-cache knows no linux-image-686:i386 even after apt-get update: no network, or no Debian mirror in the apt sources$(unreached)"
  fi
  if apt-cache show "$kernel-unsigned:i386" >/dev/null 2>&1; then
    kernel=$kernel-unsigned
  fi
}
resolve

cd "$dir/debs"
download() {
  local pkg=$1
  ls "${pkg%%:*}"_*.deb >/dev/null 2>&1 && return 0
  echo "fetch-linux: apt-get download $pkg"
  apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null
}
if ! download "$kernel:i386" || ! download "busybox-static:i386"; then
  # Stale package lists name versions the mirror has dropped: update them once and try again.
  update_lists || fail "cannot download $kernel or busybox-static (no network, or stale package lists: run sudo apt-get update)"
  resolve
  if ! download "$kernel:i386" || ! download "busybox-static:i386"; then
    fail "cannot download $kernel or busybox-static: no network, or no Debian mirror in the apt sources$(unreached)"
  fi
fi

rm -rf "$dir/root"
mkdir -p "$dir/root"
for deb in "${kernel%%:*}"_*.deb busybox-static_*.deb; do
  dpkg-deb -x "$deb" "$dir/root" || fail "cannot unpack $deb"
done
vmlinuz=$(ls "$dir"/root/boot/vmlinuz-* 2>/dev/null | head -1)
[ -n "$vmlinuz" ] || fail "$kernel has no /boot/vmlinuz-*"
[ -x "$dir/root/bin/busybox" ] || fail "busybox-static has no /bin/busybox"
cp "$vmlinuz" "$dir/bzImage.new" && mv "$dir/bzImage.new" "$dir/bzImage"
cp "$dir/root/bin/busybox" "$dir/busybox.new" && mv "$dir/busybox.new" "$dir/busybox"
rm -rf "$dir/modules" && mkdir -p "$dir/modules"
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
  ko=$(find "$dir"/root/lib/modules -name "$m.ko" | head -1)
  [ -n "$ko" ] || fail "$kernel has no $m.ko"
  cp "$ko" "$dir/modules/"
done
basename "$vmlinuz" | sed 's/^vmlinuz-//' >"$dir/kernel-version"
rm -rf "$dir/root"
echo "fetch-linux: $dir/bzImage ($(cat "$dir/kernel-version")), $dir/busybox"
