#!/usr/bin/env bash
# Folders past FAT's limits, made at test time (sparse files cost nothing):
# 100,000 files in one folder give the largest disk FAT allows (65,536
# entries a directory) with one line naming the folder and how many names
# were left out, and fsck.fat finds that disk sound; more than 2 TiB of
# files is a one-line error and exit 2, from `pxos fat-image` and from
# `pxos run --hdd-dir` alike. hdd_dir_limits.sh PXOS.
set -u
pxos=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

mkdir -p "$work/many/files"
(cd "$work/many/files" && seq -f 'file %06g.txt' 1 100000 | xargs -d '\n' touch) || { echo "FAIL: cannot make the folder"; exit 1; }
"$pxos" fat-image "$work/many" -o "$work/many.img" 2>"$work/err"
rc=$?
cat "$work/err"
[ $rc = 0 ] || { echo "FAIL: pxos fat-image of 100,000 files: exit $rc"; fail=1; }
[ "$(wc -l <"$work/err")" = 1 ] || { echo "FAIL: not one line of warning"; fail=1; }
# "file 000001.txt" needs two long-name entries: (65,536 - 2) / 3 = 21,844 fit beside "." and "..".
grep -q '^pxos: --hdd-dir: files: 78156 of its 100000 names left out: a FAT directory holds 65,536 entries' "$work/err" ||
  { echo "FAIL: the warning does not name the folder and the count"; fail=1; }
dd if="$work/many.img" of="$work/part.img" bs=512 skip=63 status=none
fsck.fat -n "$work/part.img" >"$work/fsck" 2>&1 || { echo "FAIL: fsck.fat -n on the disk of 100,000 files:"; tail "$work/fsck"; fail=1; }
export MTOOLS_SKIP_CHECK=1
n=$(mdir -b -i "$work/many.img@@32256" '::/files' | wc -l)
[ "$n" = 21844 ] || { echo "FAIL: the disk lists $n files, not 21844"; fail=1; }
rm -f "$work/many.img" "$work/part.img"

mkdir "$work/huge"
(cd "$work/huge" && seq -f 'part%03g.bin' 1 520 | xargs truncate -s 4294967295) || { echo "FAIL: cannot make the sparse files"; exit 1; }
"$pxos" fat-image "$work/huge" -o "$work/huge.img" 2>"$work/err"
rc=$?
cat "$work/err"
[ $rc = 2 ] || { echo "FAIL: pxos fat-image of 2.03 TiB: exit $rc, not 2"; fail=1; }
[ "$(wc -l <"$work/err")" = 1 ] && grep -q 'do not fit a disk of 2 TiB' "$work/err" ||
  { echo "FAIL: not one line saying the folder does not fit 2 TiB"; fail=1; }
[ -e "$work/huge.img" ] && { echo "FAIL: an image was written anyway"; fail=1; }
"$pxos" run --hdd-dir "$work/huge" --timeout 5 </dev/null >/dev/null 2>"$work/err"
rc=$?
cat "$work/err"
[ $rc = 2 ] && [ "$(wc -l <"$work/err")" = 1 ] && grep -q 'do not fit a disk of 2 TiB' "$work/err" ||
  { echo "FAIL: pxos run --hdd-dir of 2.03 TiB: exit $rc, or not one line"; fail=1; }
[ $fail = 0 ] && echo "ok: 100,000 files give the largest disk and one warning; over 2 TiB is one error line"
exit $fail
