#!/usr/bin/env bash
# Makes sure the Debian packages that pxOS builds and tests with are
# installed: installs the missing ones when run as root, otherwise says
# which to install.
#   scripts/deps.sh               what make demo, make test, make demo-pixel, make demo-linux and make demo-debian need
#   scripts/deps.sh --bench       that, and the baselines the benchmarks in bench/ compare with
#   scripts/deps.sh --list        prints the first list, one package a line, and installs nothing
#   scripts/deps.sh --list-bench  prints the benchmarks' extra packages, one a line
# Every program a test or script calls comes from one of these packages (or
# from an Essential or required one): the test deps.programs_from_packages
# (tests/deps/) checks that with dpkg -S.
set -eu
packages=(
  g++ cmake ninja-build make nasm pkg-config   # the build
  libgtest-dev                                 # unit tests
  acpica-tools                                 # iasl: the BIOS's ACPI DSDT (src/bios/acpi/dsdt.asl), compiled at build time
  libpng-dev zlib1g-dev                        # PXI images
  libsdl2-dev libvncserver-dev                 # the window (--display sdl) and the VNC server (--vnc)
  xvfb xdotool x11-apps vncsnapshot            # their tests: a display, typing into it, xwd, a VNC client
  libvulkan-dev glslang-tools mesa-vulkan-drivers  # PXI Vulkan backend, on lavapipe in tests
  clang libclang-rt-14-dev                     # the sanitizer and fuzzing builds (libFuzzer)
  mtools                                       # FAT images for guest tests
  dosfstools                                   # fsck.fat: checks the disks --hdd-dir makes (tests/guest/hdd_dir_fsck.sh)
  syslinux extlinux syslinux-common            # the SYSLINUX/EXTLINUX guests (syslinux-common: mbr.bin)
  console-setup-linux                          # the VGA 8x16 console font (Uni2-VGA16) for the BIOS and --screenshot
  bochs bochsbios vgabios                      # a reference CPU for the protected-mode guests (guest.pm_*.bochs)
  time                                         # /usr/bin/time: peak memory in guest.iso_flood.*
  bc                                           # elapsed seconds in tests/linux/boot.sh and bench/
  python3                                      # tests/fuzz/make_seeds.sh (the fuzzers' seeds), bench/cpu_compare.sh, tests/linux/vga.sh
  gdb                                          # the GDB stub's tests (tests/gdb/)
  debootstrap debian-archive-keyring gpgv      # scripts/debian_image.sh: the Debian 12 system disk of make demo-debian
  e2fsprogs                                    # its ext4 image (mke2fs -d), checked by tests/debian/image.sh (e2fsck, debugfs)
  zstd cpio                                    # tests/debian/image.sh: unpacks the image's initrd
  qemu-system-x86                              # QEMU: the oracle of display.qemu_compare (-vga std pictures), and the baseline of bench/boot.sh, linux.sh, cpu_compare.sh
)
# Only the benchmarks (bench/) use these; each script checks for them and says how to install them.
bench_packages=()
case ${1:-} in
  --list) printf '%s\n' "${packages[@]}"; exit 0 ;;
  --list-bench) [ ${#bench_packages[@]} -eq 0 ] || printf '%s\n' "${bench_packages[@]}"; exit 0 ;;
  --bench) packages+=("${bench_packages[@]}") ;;
  "") ;;
  *) echo "usage: $0 [--bench | --list | --list-bench]" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "pxos: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "pxos: missing Debian packages; run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
