#!/usr/bin/env bash
# Fixture: fetches the kernel and busybox (scripts/fetch-linux.sh) and builds
# the test initramfs with `pxos initramfs`. Usage: prepare.sh PXOS SRC CACHE
set -eu
pxos=$1 src=$2 cache=$3
if ! "$src/scripts/fetch-linux.sh" "$cache"; then
  echo "linux tests: FAILED to fetch Debian's kernel and busybox (see the message above); the Linux tests cannot run" >&2
  exit 1
fi
"$pxos" initramfs --busybox "$cache/busybox" --init "$src/scripts/linux/init-test" -o "$cache/initramfs-test.gz"
echo "linux tests: $(cat "$cache/kernel-version"), initramfs $(stat -c %s "$cache/initramfs-test.gz") bytes"
"$pxos" initramfs --busybox "$cache/busybox" --init "$src/scripts/linux/init-shell" -o "$cache/initramfs-shell.gz"
