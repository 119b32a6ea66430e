#!/usr/bin/env bash
# Makes sure the Debian packages that pxOS builds and tests with are
# installed: installs the missing ones when run as root, otherwise says
# which to install.
set -eu
packages=(
  g++ cmake ninja-build make nasm pkg-config   # the build
  libgtest-dev                                 # unit tests
  libpng-dev zlib1g-dev                        # PXI images
  libvulkan-dev glslang-tools mesa-vulkan-drivers  # PXI Vulkan backend, on lavapipe in tests
  clang libclang-rt-14-dev                     # the sanitizer and fuzzing builds (libFuzzer)
  mtools                                       # FAT images for guest tests
  kbd                                          # the VGA 8x16 console font for --screenshot
  bochs                                        # a reference CPU for the protected-mode guests (guest.pm_*.bochs)
)
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
