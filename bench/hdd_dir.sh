#!/usr/bin/env bash
# --hdd-dir against an image of the same files: FreeDOS boots from its floppy
# with drive C: either the folder (--hdd-dir) or a FAT32 image that
# mkfs.fat and mcopy built of the same folder (--hda), and
#   start-up: pxOS starts, DOS boots and lists C: (DIR C:)
#   copy:     the same, then COPY C:BIG.BIN C:COPY.BIN (32 MiB), less start-up
# RUNS runs each (default 3), min and median seconds; the image's build time
# (mkfs.fat + mcopy) is shown on its own.
#   bench/hdd_dir.sh [FREEDOS_FLOPPY_IMAGE]   (default: $PXOS_FREEDOS_IMAGE)
# The folder: 10,000 sparse files of 107,374 bytes (1 GiB in all) in ten
# subfolders, and BIG.BIN, 32 MiB of random bytes (a real file). ENGINE=soft
# (default) or kvm.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
img=${1:-${PXOS_FREEDOS_IMAGE:-}}
[ -n "$img" ] && [ -f "$img" ] || { echo "usage: bench/hdd_dir.sh FREEDOS_IMAGE (or set PXOS_FREEDOS_IMAGE)"; exit 2; }
pxos=$here/build/pxos
[ -x "$pxos" ] || { echo "build pxos first (make)"; exit 2; }
for t in mkfs.fat mcopy bc; do command -v $t >/dev/null || { echo "missing $t (Debian: dosfstools mtools bc; scripts/deps.sh installs them)"; exit 2; }; done
runs=${RUNS:-3}
engine=${ENGINE:-soft}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MTOOLS_SKIP_CHECK=1
source "$here/bench/time_runs.sh"

dir=$work/dir
for d in 0 1 2 3 4 5 6 7 8 9; do
  mkdir -p "$dir/data$d"
  (cd "$dir/data$d" && seq -f "file$d-%04g.dat" 0 999 | xargs truncate -s 107374)
done
head -c $((32 << 20)) /dev/urandom >"$dir/BIG.BIN"
echo "folder: 10,000 sparse files, $(du -s --apparent-size --block-size=1M "$dir" | cut -f1) MiB in all (apparent), BIG.BIN 32 MiB real"

# The image: an MBR with one FAT32 (LBA) partition from sector 63, the size
# pxOS gives the same folder, filled by mcopy.
part_kib=$(( (1024 + 33 + 256 + 64) * 1024 ))  # the contents, a quarter more, 64 MiB more
build_image() {
  rm -f "$work/c.img"
  truncate -s $(( (63 * 512) + part_kib * 1024 )) "$work/c.img"
  mkfs.fat -F 32 -h 63 --offset 63 -n PXOSBENCH "$work/c.img" "$part_kib" >/dev/null
  printf '\x80\xfe\xff\xff\x0c\xfe\xff\xff' | dd of="$work/c.img" bs=1 seek=446 conv=notrunc status=none
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' 63 0 0 0)" | dd of="$work/c.img" bs=1 seek=454 conv=notrunc status=none
  n=$((part_kib * 2))
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n & 255)) $((n >> 8 & 255)) $((n >> 16 & 255)) $((n >> 24 & 255)))" |
    dd of="$work/c.img" bs=1 seek=458 conv=notrunc status=none
  printf '\x55\xaa' | dd of="$work/c.img" bs=1 seek=510 conv=notrunc status=none
  mcopy -s -i "$work/c.img@@32256" "$dir"/* ::/
}
s=$(date +%s.%N)
build_image
e=$(date +%s.%N)
build=$(echo "$e - $s" | bc -l)

boot=(--engine "$engine" --floppy "$img" --expect 'A:\>' --display none --timeout 120)
startup_keys='dir c:{enter}echo end-%COMSPEC%{enter}'
copy_keys='dir c:{enter}copy c:big.bin c:copy.bin{enter}echo end-%COMSPEC%{enter}'
declare -A res
measure() {
  local name=$1; shift
  res[$name]=$(time_runs 0 "$pxos" run "${boot[@]}" "$@" --until-text 'end-A:')
  printf '  %-22s %s\n' "$name" "${res[$name]}"
}
echo "engine $engine, $runs runs each (seconds): min median; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
measure startup-image --hda "$work/c.img" --send-keys "$startup_keys"
measure startup-hdd-dir --hdd-dir "$dir" --send-keys "$startup_keys"
measure copy-image --hda "$work/c.img" --send-keys "$copy_keys"
measure copy-hdd-dir --hdd-dir "$dir" --send-keys "$copy_keys"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
min() { echo "${res[$1]% *}"; }
med() { echo "${res[$1]#* }"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0) printf "%.2f", b / a; else print "n/a" }'; }
sub() { if [ "$1" = nan ] || [ "$2" = nan ]; then echo nan; else echo "$1 - $2" | bc -l | awk '{printf "%.3f", $1}'; fi; }
printf 'image build (mkfs.fat + mcopy), once:     %.3f s\n' "$build"
printf 'start-up (median): image %s s, --hdd-dir %s s = %sx the image\n' "$(med startup-image)" "$(med startup-hdd-dir)" \
  "$(ratio "$(med startup-image)" "$(med startup-hdd-dir)")"
ci=$(sub "$(med copy-image)" "$(med startup-image)") cd=$(sub "$(med copy-hdd-dir)" "$(med startup-hdd-dir)")
printf '32 MiB copy in DOS (median, less start-up): image %s s, --hdd-dir %s s = %sx the image\n' "$ci" "$cd" "$(ratio "$ci" "$cd")"
