#!/usr/bin/env bash
# The disk --hdd-dir makes of a folder is a sound FAT file system: fsck.fat
# -n finds nothing to fix on it, as FAT16 and as FAT32, and mtools reads every
# file back byte for byte under its long name, in subfolders, with twelve
# names that collide in 8.3. hdd_dir_fsck.sh PXOS.
set -u
pxos=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dir=$work/folder
mkdir -p "$dir/Sub Folder/deeper" "$dir/empty dir"
head -c 300000 /dev/urandom >"$dir/random.bin"
head -c 5000 /dev/urandom >"$dir/Sub Folder/deeper/A file with a long name.dat"
: >"$dir/zero length"
for i in $(seq 1 12); do echo "file $i" >"$dir/Sub Folder/collision number $i.txt"; done
echo upper >"$dir/UPPER.TXT"
fail=0
for type in fat16 fat32; do
  img=$work/$type.img
  "$pxos" fat-image "$dir" -o "$img" --$type || { echo "FAIL: pxos fat-image --$type"; exit 1; }
  # The partition starts at sector 63 (32256 bytes); fsck.fat reads a partition.
  dd if="$img" of="$work/part.img" bs=512 skip=63 status=none
  out=$(fsck.fat -n "$work/part.img" 2>&1)
  rc=$?
  echo "$out"
  [ $rc = 0 ] || { echo "FAIL: fsck.fat -n on the $type disk: exit $rc"; fail=1; }
  grep -q "^$(echo "$type" | tr a-z A-Z)" <<<"$(dd if="$work/part.img" bs=1 skip=$([ $type = fat16 ] && echo 54 || echo 82) count=5 status=none)" ||
    { echo "FAIL: the disk is not $type"; fail=1; }
  export MTOOLS_SKIP_CHECK=1
  rm -rf "$work/out"
  mkdir "$work/out"
  mcopy -s -n -i "$img@@32256" '::/*' "$work/out/" || { echo "FAIL: mcopy from the $type disk"; fail=1; }
  if ! diff -r "$dir" "$work/out" >/dev/null; then
    echo "FAIL: the files mtools read from the $type disk differ from the folder's:"
    diff -r "$dir" "$work/out" | head
    fail=1
  fi
  listing=$(mdir -i "$img@@32256" '::/Sub Folder')
  for n in 1 9; do grep -q "COLLIS~$n TXT" <<<"$listing" || { echo "FAIL: no COLLIS~$n TXT on $type"; fail=1; }; done
  grep -q "COLLI~10 TXT" <<<"$listing" || { echo "FAIL: no COLLI~10 TXT (the tenth collision) on $type"; fail=1; }
done
[ $fail = 0 ] && echo "ok: fsck.fat -n is clean and mtools reads the folder back, as FAT16 and FAT32"
exit $fail
