#!/usr/bin/env bash
# Data safety with --writable: a guest (guests/iso_rewrite.asm) rewrites
# 128 sectors in a loop with two alternating whole-sector patterns; the
# monitor is killed with SIGKILL at a random moment, several times. After
# each kill every sector of the image must hold one pattern whole ('A' or
# 'B' in all 512 bytes), never a mix, and the boot sector must be intact.
# Then a run that ends cleanly (--timeout: the image is flushed) must
# leave the same property.
#   kill_mid_write.sh ENGINE PXOS GUEST_DIR [KILLS]
set -u
engine=$1 pxos=$2 g=$3 kills=${4:-5}
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host; the KVM engine cannot run here"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
img=$tmp/disk.img
cp "$g/iso_rewrite.bin" "$img"
head -c $((255 * 512)) /dev/zero | tr '\0' 'A' >>"$img"
cp "$img" "$tmp/orig.img"

# Prints "A B" (the number of sectors of each pattern); fails on any other sector.
check() {
  cmp -s -n 512 "$img" "$tmp/orig.img" || { echo "the boot sector changed"; return 1; }
  od -An -v -tx1 -w512 -j $((16 * 512)) -N $((128 * 512)) "$img" | awk '
    { a = b = 0; for (i = 1; i <= NF; i++) { if ($i == "41") a++; else if ($i == "42") b++ }
      if (a == 512) na++; else if (b == 512) nb++; else { printf "sector %d is a mix (%d A, %d B)\n", NR + 15, a, b; bad = 1 } }
    END { printf "%d %d\n", na, nb; exit bad }'
}

fail=0
for k in $(seq "$kills"); do
  "$pxos" run --hda "$img" --writable --engine "$engine" --display none --timeout 60 </dev/null \
    >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  # Up to 60 s: on nested KVM, creating a VM right after one was killed may
  # wait in the host kernel (synchronize_srcu) for seconds; a loaded machine
  # (the sanitizer build, two tests at a time) is slow too.
  deadline=$((SECONDS + 60))
  until grep -q rewriting "$tmp/out" 2>/dev/null; do
    if ! kill -0 $pid 2>/dev/null; then
      wait $pid; echo "kill $k: pxos ended (status $?) before the guest started"; cat "$tmp/out" "$tmp/err"; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "kill $k: the guest did not start within 60 s"; cat "$tmp/out" "$tmp/err"; kill -9 $pid; wait $pid; exit 1
    fi
    sleep 0.1 || exit 1
  done
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 $pid
  wait $pid 2>/dev/null
  if r=$(check); then
    echo "kill $k: whole sectors ('A' and 'B' counts): $r"
  else
    echo "kill $k: FAIL: $r"; fail=1
  fi
done

"$pxos" run --hda "$img" --writable --engine "$engine" --display none --timeout 1 </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status != 124 ]; then echo "clean run: exit status $status, expected 124 (timeout)"; cat "$tmp/err"; fail=1; fi
if r=$(check); then echo "clean exit: whole sectors ('A' and 'B' counts): $r"; else echo "clean exit: FAIL: $r"; fail=1; fi
exit $fail
