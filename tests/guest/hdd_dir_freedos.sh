#!/usr/bin/env bash
# FreeDOS boots from a host folder (--hdd-dir) to C:\>: KERNEL.SYS and
# COMMAND.COM, taken out of the floppy that PXOS_FREEDOS_IMAGE names, loaded
# by our own boot sector. DIR lists the folder and TYPE shows a file of random
# text; a file made in DOS reaches the host with --writable and not without;
# a file of 3 MiB is copied by DOS (read from the host, written back) with its
# checksum intact; a file saved in DOS is on the host while pxOS still runs;
# the same from a folder of over 512 MiB (FAT32).
# hdd_dir_freedos.sh ENGINE PXOS.
set -u
engine=$1 pxos=$2
if [ -z "${PXOS_FREEDOS_IMAGE:-}" ]; then
  echo "SKIPPED: PXOS_FREEDOS_IMAGE is not set; point it at a FreeDOS 1.x boot floppy image to run this test"
  exit 77
fi
[ -f "$PXOS_FREEDOS_IMAGE" ] || { echo "FAIL: PXOS_FREEDOS_IMAGE=$PXOS_FREEDOS_IMAGE is not a file"; exit 1; }
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dir=$work/dos
mkdir -p "$dir/Some Folder"
export MTOOLS_SKIP_CHECK=1
mcopy -n -i "$PXOS_FREEDOS_IMAGE" ::KERNEL.SYS ::COMMAND.COM "$dir/" || { echo "FAIL: mcopy from the floppy"; exit 1; }
printf '@echo off\r\n' >"$dir/AUTOEXEC.BAT"  # no date and time prompts
lines=()
for i in 1 2 3 4; do lines+=("$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"); done
printf '%s\r\n' "${lines[@]}" >"$dir/random.txt"
echo inside >"$dir/Some Folder/inner.txt"
head -c $((3 << 20)) /dev/urandom >"$dir/big.bin"
fail=0

run() {  # run KEYS UNTIL [--writable]: boots, types KEYS at C:\>, stops at UNTIL
  "$pxos" run --engine "$engine" --hdd-dir "$dir" ${3:-} --expect 'C:\>' --send-keys "$1" --until-text "$2" \
    --display screen --timeout 150 </dev/null 2>&1
}

out=$(run 'dir{enter}type random.txt{enter}echo end-%COMSPEC%{enter}' 'end-C:')
rc=$?
echo "$out"
[ $rc = 0 ] || { echo "FAIL: the first run ended with $rc"; fail=1; }
grep -qF 'SOMEFO~1' <<<"$out" || { echo "FAIL: DIR does not list SOMEFO~1"; fail=1; }
for l in "${lines[@]}"; do grep -qF "$l" <<<"$out" || { echo "FAIL: TYPE did not show $l"; fail=1; }; done

out=$(run 'echo from dos> made.txt{enter}echo end-%COMSPEC%{enter}' 'end-C:')
[ -e "$dir/MADE.TXT" ] && { echo "FAIL: without --writable, MADE.TXT reached the host"; fail=1; }

out=$(run 'echo from dos> made.txt{enter}copy big.bin copy.bin{enter}echo end-%COMSPEC%{enter}' 'end-C:' --writable)
rc=$?
echo "$out" | tail -5
[ $rc = 0 ] || { echo "FAIL: the --writable run ended with $rc"; fail=1; }
[ "$(tr -d '\r' <"$dir/MADE.TXT" 2>/dev/null)" = "from dos" ] || { echo "FAIL: MADE.TXT did not reach the host whole"; fail=1; }
if [ "$(sha256sum <"$dir/big.bin")" != "$(sha256sum <"$dir/COPY.BIN" 2>/dev/null)" ]; then
  echo "FAIL: the 3 MiB copy DOS made differs from the original (or is missing)"
  fail=1
fi
# With --writable a file saved in DOS reaches the host while pxOS still runs
# (once the guest's writes have settled for 1.5 s of guest time).
"$pxos" run --engine "$engine" --hdd-dir "$dir" --writable --expect 'C:\>' --send-keys 'echo live> live.txt{enter}' \
  --display none --timeout 150 </dev/null >"$work/live.log" 2>&1 &
pid=$!
seen=
for _ in $(seq 1 280); do
  if [ -e "$dir/LIVE.TXT" ]; then
    kill -0 $pid 2>/dev/null && seen=running
    break
  fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.5
done
kill $pid 2>/dev/null
wait $pid 2>/dev/null
if [ "$seen" != running ] || [ "$(tr -d '\r' <"$dir/LIVE.TXT")" != live ]; then
  echo "FAIL: LIVE.TXT did not reach the host whole while pxOS ran"
  cat "$work/live.log"
  fail=1
fi
# Over 512 MiB (a sparse file of 600 MiB) the disk is FAT32: it boots too.
rm -f "$dir/big.bin" "$dir/COPY.BIN"
truncate -s 600M "$dir/sparse.bin"
out=$(run 'type random.txt{enter}echo fat32> f32.txt{enter}echo end-%COMSPEC%{enter}' 'end-C:' --writable)
rc=$?
[ $rc = 0 ] && grep -qF "${lines[0]}" <<<"$out" || { echo "FAIL: FreeDOS from a FAT32 disk (exit $rc)"; echo "$out"; fail=1; }
[ "$(tr -d '\r' <"$dir/F32.TXT" 2>/dev/null)" = "fat32" ] || { echo "FAIL: F32.TXT did not reach the host"; fail=1; }
[ $fail = 0 ] && echo "ok: C:\\> from a folder (FAT16, FAT32); DIR, TYPE; writes back only with --writable; 3 MiB copied intact"
exit $fail
