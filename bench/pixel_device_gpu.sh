#!/usr/bin/env bash
# The pixel device on a GPU machine: pxboot with a driver made from a text on
# the cuda, cuda-zerocopy and cpu backends (COM1 compared with the text), then
# `pxos bench serial` with the cpu and CUDA backends.
#
#   bench/pixel_device_gpu.sh DIR
#
# DIR holds `pxos` and its guests/ folder (guests/pxboot.bin,
# guests/bench_serial.bin), and optionally lib/ with shared libraries the
# machine lacks (libpng16, libvulkan, libstdc++). docs/PIXEL_DEVICE.md quotes a
# run of this script (bench/results/pixel_device_h100.txt).
set -u
cd "${1:?usage: pixel_device_gpu.sh DIR}"
[ -d lib ] && export LD_LIBRARY_PATH=$PWD/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
nvidia-smi -L
ls -la /dev/kvm 2>&1
./pxos pxi backends
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
T='Hello from a pixel driver on the H100: pxboot, INT 13h, the pixel device, CUDA, COM1.'
./pxos pxi build --text "$T" -o "$tmp/drv.png" && ./pxos pxi floppy "$tmp/drv.png" -o "$tmp/f.img"
for b in cuda cuda-zerocopy cpu; do
  ./pxos run --floppy "$tmp/f.img" --engine soft --pixel-backend $b --serial "file:$tmp/ser.$b" --display none --timeout 60
  echo "rc=$?"; printf '%s' "$T" | cmp - "$tmp/ser.$b" && echo "COM1 output identical to the driver's text ($b)"
done
echo "command: pxos bench serial --backends cpu,cuda,cuda-zerocopy"
./pxos bench serial --backends cpu,cuda,cuda-zerocopy
