#!/usr/bin/env bash
# Checks the Debian system disk of scripts/debian_image.sh without booting it:
# e2fsck finds the ext4 image clean; debugfs finds /sbin/init, the kernel and
# initrd that the script copied out (the same bytes), a getty on ttyS0,
# /dev/vda as / in /etc/fstab, root's password and DHCP on eth0 (no renaming of
# it); the initrd has the virtio drivers and ext4 for the kernel's version, loads
# them, and renames no interface.
# Usage: image.sh SOURCE_DIR IMAGE_DIR
# Uses a current image in IMAGE_DIR; builds one only with PXOS_DEBIAN=1
# (minutes, root, Debian's archive) and skips (77) otherwise.
set -u
src=$1 dir=$2
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

. "$src/tests/debian/current_image.sh"
img=$dir/disk.img
version=$(cat "$dir/kernel-version")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() {  # DESCRIPTION CONDITION...
  local what=$1
  shift
  if "$@"; then
    echo "ok    $what"
  else
    echo "FAIL  $what"
    fails=$((fails + 1))
  fi
}

check "e2fsck -fn finds the filesystem clean" e2fsck -fn "$img"

# debugfs: the inode of a path, following symbolic links (the image is
# /usr-merged: /sbin -> usr/sbin) up to 40 times.
debugfs_out() {
  debugfs -R "$1" "$img" 2>/dev/null
}
resolve() {  # ABSOLUTE-PATH: prints the path with every link followed, or fails
  local todo=$1 done='' part target hops=0
  while [ -n "$todo" ]; do
    todo=${todo#/}
    part=${todo%%/*}
    if [ "$part" = "$todo" ]; then todo=''; else todo=/${todo#*/}; fi
    case $part in
      '' | .) continue ;;
      ..) done=${done%/*}; continue ;;
    esac
    target=$(debugfs_out "stat \"$done/$part\"" | sed -n 's/^Fast link dest: "\(.*\)"$/\1/p')
    if [ -z "$target" ] && debugfs_out "stat \"$done/$part\"" | grep -q 'Type: symlink'; then
      target=$(debugfs_out "cat \"$done/$part\"")  # a slow link: its target is its data
    fi
    if [ -n "$target" ]; then
      hops=$((hops + 1))
      [ $hops -le 40 ] || return 1
      case $target in
        /*) done='' ;;
      esac
      todo=$target$todo
      continue
    fi
    debugfs_out "stat \"$done/$part\"" | grep -q '^Inode:' || return 1
    done=$done/$part
  done
  echo "${done:-/}"
}
type_of() {  # ABSOLUTE-PATH: regular, directory, ... after following links
  local p
  p=$(resolve "$1") || return 1
  debugfs_out "stat \"$p\"" | sed -n 's/.*Type: \([a-z]*\).*/\1/p'
}
is_file() { [ "$(type_of "$1")" = regular ]; }
same_as_image_file() {  # IMAGE-PATH HOST-FILE
  rm -f "$tmp/dumped"
  debugfs_out "dump \"$(resolve "$1")\" $tmp/dumped" >/dev/null && cmp -s "$tmp/dumped" "$2"
}
file_has() {  # IMAGE-PATH EXTENDED-REGEX
  debugfs_out "cat \"$(resolve "$1")\"" | grep -qE "$2"
}

check "/sbin/init is a program" is_file /sbin/init
check "/boot/vmlinuz-$version is the kernel copied to $dir/vmlinuz" same_as_image_file "/boot/vmlinuz-$version" \
  "$dir/vmlinuz"
check "/boot/initrd.img-$version is the initrd copied to $dir/initrd.img" same_as_image_file \
  "/boot/initrd.img-$version" "$dir/initrd.img"
check "/lib/modules/$version is there" test "$(type_of "/lib/modules/$version")" = directory
init=$(resolve /sbin/init)
if [[ $init == */systemd ]]; then
  unit=/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service
  check "systemd starts a getty on ttyS0 ($unit)" is_file "$unit"
else
  check "/etc/inittab starts a getty on ttyS0" file_has /etc/inittab '^[^#]*:respawn:/sbin/getty .*ttyS0'
  check "/sbin/getty is a program" is_file /sbin/getty
fi
check "/etc/fstab mounts /dev/vda on / as ext4" file_has /etc/fstab '^/dev/vda[[:space:]]+/[[:space:]]+ext4[[:space:]]'
check "root has a password (/etc/shadow)" file_has /etc/shadow '^root:\$[^:]+:'
check "/etc/network/interfaces asks DHCP for eth0" file_has /etc/network/interfaces '^iface eth0 inet dhcp'
link_target() {  # IMAGE-PATH: where a symbolic link points
  debugfs_out "stat \"$1\"" | sed -n 's/^Fast link dest: "\(.*\)"$/\1/p'
}
check "the interface is eth0: 80-net-setup-link.rules is off (a link to /dev/null)" \
  test "$(link_target /etc/udev/rules.d/80-net-setup-link.rules)" = /dev/null
check "/etc/apt/sources.list names bookworm" file_has /etc/apt/sources.list '^deb [^ ]+ bookworm main'

# The initrd (zstd-compressed cpio: COMPRESS=zstd in the image's initramfs.conf).
unpacked() {
  [ "$(head -c 4 "$dir/initrd.img" | od -An -tx1 | tr -d ' \n')" = 28b52ffd ] || {
    echo "      $dir/initrd.img is not zstd-compressed"
    return 1
  }
  mkdir -p "$tmp/initrd" && (cd "$tmp/initrd" && zstd -dc "$dir/initrd.img" | cpio -id --quiet)
}
check "the initrd unpacks (zstd, cpio)" unpacked
for module in virtio_pci virtio_blk virtio_net virtio_rng ext4; do
  has_module() {  # its file: virtio_rng is virtio-rng.ko (modprobe takes - and _ alike)
    find "$tmp/initrd" -path "*/lib/modules/$version/*" -name "${module//_/[-_]}.ko*" | grep -q .
  }
  loads_module() { grep -qE "^$module[[:space:]]*$" "$tmp/initrd/conf/modules"; }
  check "the initrd has $module.ko for $version" has_module
  check "the initrd loads $module (conf/modules)" loads_module
done

# The initrd's udev renames no interface (its rules come from the image's /etc).
renames_nothing() {
  ! find "$tmp/initrd" -path '*/udev/rules.d/80-net-setup-link.rules' -size +0 | grep -q .
}
check "the initrd's udev keeps the name eth0 (its 80-net-setup-link.rules is empty)" renames_nothing

if [ $fails -ne 0 ]; then
  echo "debian.image: $fails check(s) failed"
  exit 1
fi
echo "debian.image: $img ($version) passes every check"
