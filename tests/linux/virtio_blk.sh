#!/usr/bin/env bash
# Linux drives --disk: Debian's virtio_pci and virtio_blk modules (loaded by
# scripts/linux/init-virtio from the initramfs) find two virtio-blk disks on
# PCI devices 3 and 4. /init reports their sizes and serials (GET_ID), reads
# sector 1 of /dev/vda (a text put there here), writes sector 2 (with a
# FLUSH) and discards sectors 8-15 (a text there too). pxos's counters
# (--verbose) say Linux took indirect descriptors and the event index.
#   1. Without --writable: everything reads right, the image is unchanged.
#   2. With --writable: the write is in the image after pxos exits; while it
#      runs, a second pxos writing the same image fails (the lock), exit 2.
# Usage: virtio_blk.sh PXOS SRC CACHE ENGINE
set -u
pxos=$1 src=$2 cache=$3 engine=$4
for f in bzImage busybox modules/virtio_blk.ko; do
  [ -s "$cache/$f" ] || { echo "FAIL: $cache/$f is missing: the linux.fetch fixture did not run or failed"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
modules=()
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
  modules+=(--file "$cache/modules/$m.ko:lib/modules/$m.ko")
done
"$pxos" initramfs --busybox "$cache/busybox" --init "$src/scripts/linux/init-virtio" "${modules[@]}" \
  -o "$tmp/initramfs.gz" || exit 1
truncate -s 1M "$tmp/vda.img"
truncate -s 2M "$tmp/vdb.img"
printf 'PXOS-DISK-PATTERN-SECTOR-1' | dd of="$tmp/vda.img" bs=512 seek=1 conv=notrunc status=none
printf 'DISCARD-ME' | dd of="$tmp/vda.img" bs=512 seek=8 conv=notrunc status=none
cp "$tmp/vda.img" "$tmp/vda.orig"
. "$(dirname "$0")/run_to_marker.sh"
boot=(run --engine "$engine" --kernel "$cache/bzImage" --initrd "$tmp/initramfs.gz" --append console=ttyS0
  --disk "$tmp/vda.img" --disk "$tmp/vdb.img" --display none --debugcon none --verbose
  --timeout "${PXOS_LINUX_TIMEOUT:-600}")
fail=0
check() {  # check LOG REGEX WHAT
  if grep -qaE "$2" "$1"; then echo "ok: $3"; else echo "FAIL: $3 (no line matching '$2')"; fail=1; fi
}
guest_checks() {
  local log=$1
  check "$log" '^pxos-pci: 0000:00:03\.0 0x1af4:0x1042' 'virtio-blk vda at 00:03.0 (1AF4:1042)'
  check "$log" '^pxos-pci: 0000:00:04\.0 0x1af4:0x1042' 'virtio-blk vdb at 00:04.0'
  check "$log" 'virtio_blk virtio0: \[vda\] 2048 512-byte logical blocks' 'the kernel found vda with 2048 sectors'
  check "$log" '^pxos-virtio-vda: size 2048 serial pxos-vda[[:space:]]*$' '/sys/block/vda: 1 MiB, serial from GET_ID'
  check "$log" '^pxos-virtio-vdb: size 4096 serial pxos-vdb[[:space:]]*$' '/sys/block/vdb: 2 MiB'
  check "$log" '^pxos-virtio-read: PXOS-DISK-PATTERN-SECTOR-1[[:space:]]*$' 'sector 1 of vda read back the pattern'
  check "$log" '^pxos-virtio-readback: WRITTEN-BY-THE-GUEST[[:space:]]*$' 'the write to sector 2 read back past the page cache'
  check "$log" '^pxos-virtio-discarded: \[\][[:space:]]*$' 'sectors 8-15 read as zeros after blkdiscard'
  check "$log" '^PXOS-LINUX-MARKER' 'the marker'
  local out=$2 features
  check "$out" 'virtio-blk vda: [0-9]+ reads .* [1-9][0-9]* flushes, [1-9][0-9]* discards' 'vda saw FLUSH and DISCARD requests'
  features=$(grep -ao 'virtio-blk vda: status [0-9]*, features 0x[0-9a-f]*' "$out" | sed 's/.*features //')
  if [ -n "$features" ] && (((features >> 28) & 1)) && (((features >> 29) & 1)) && (((features >> 32) & 1)); then
    echo "ok: Linux negotiated VERSION_1, INDIRECT_DESC and EVENT_IDX ($features)"
  else
    echo "FAIL: Linux's features are '${features:-none}', want bits 28, 29 and 32"
    fail=1
  fi
}
sector() { dd if="$tmp/vda.img" bs=512 skip="$1" count=1 status=none | tr -d '\000'; }

echo "== without --writable"
run_to_marker "$tmp/log1" "$pxos" "${boot[@]}" 2>"$tmp/out1"
echo "pxos exit status $status; the guest's lines:"
grep -a '^pxos-' "$tmp/log1"
[ "$status" = 0 ] || { echo "FAIL: exit status $status"; tail -n 20 "$tmp/log1"; fail=1; }
guest_checks "$tmp/log1" "$tmp/out1"
if cmp -s "$tmp/vda.img" "$tmp/vda.orig"; then echo "ok: the image is unchanged"; else echo "FAIL: the guest's write reached the image without --writable"; fail=1; fi

echo "== with --writable"
"$pxos" "${boot[@]}" --writable --serial "file:$tmp/log2" --until-text PXOS-LINUX-MARKER 2>"$tmp/out2" &
first=$!
for _ in $(seq 300); do grep -qa 'Linux version' "$tmp/log2" 2>/dev/null && break; sleep 0.2; done
"$pxos" run --kernel "$cache/bzImage" --disk "$tmp/vda.img" --writable --display none --timeout 5 >"$tmp/second" 2>&1
second=$?
wait "$first"
status=$?
echo "pxos exit status $status; the guest's lines:"
grep -a '^pxos-' "$tmp/log2"
[ "$status" = 0 ] || { echo "FAIL: exit status $status"; tail -n 20 "$tmp/log2"; fail=1; }
guest_checks "$tmp/log2" "$tmp/out2"
if [ "$(sector 2)" = WRITTEN-BY-THE-GUEST ]; then echo "ok: the guest's write is in the image"; else echo "FAIL: sector 2 of the image holds '$(sector 2)'"; fail=1; fi
if [ -z "$(sector 8)" ]; then echo "ok: the discarded sectors are zeros in the image"; else echo "FAIL: sector 8 of the image holds '$(sector 8)'"; fail=1; fi
if [ "$second" = 2 ] && [ "$(wc -l <"$tmp/second")" = 1 ] && grep -q 'another process is writing' "$tmp/second"; then
  echo "ok: a second writer was refused: $(cat "$tmp/second")"
else
  echo "FAIL: a second pxos writing the image got status $second: $(cat "$tmp/second")"
  fail=1
fi
[ $fail = 0 ] && echo "ok: Linux reads and writes virtio-blk disks"
exit $fail
