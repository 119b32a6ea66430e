#!/usr/bin/env bash
# Bad --kernel, --initrd and --disk files: each gets a one-line error and exit 2.
# Usage: bad_files.sh PXOS CACHE
set -u
pxos=$1 cache=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
head -c 200000 "$cache/bzImage" >"$dir/truncated"
: >"$dir/empty"
head -c 4096 /dev/urandom >"$dir/random"
cp "$cache/bzImage" "$dir/old"
printf '\x01\x02' | dd of="$dir/old" bs=1 seek=$((0x206)) conv=notrunc status=none  # protocol 2.01
cp "$cache/bzImage" "$dir/sects"
printf '\xc8' | dd of="$dir/sects" bs=1 seek=$((0x1f1)) conv=notrunc status=none     # setup_sects 200
fail=0
expect2() {
  local what=$1
  shift
  local err
  err=$("$pxos" run --display none --timeout 5 "$@" 2>&1 >/dev/null)
  local status=$?
  if [ "$status" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ]; then
    echo "ok: $what: $err"
  else
    echo "FAIL: $what: exit status $status (want 2), stderr: $err"
    fail=1
  fi
}
k=$cache/bzImage
expect2 "truncated kernel" --kernel "$dir/truncated"
expect2 "empty kernel" --kernel "$dir/empty"
expect2 "missing kernel" --kernel "$dir/nonexistent"
expect2 "no HdrS magic" --kernel "$dir/random"
expect2 "protocol too old" --kernel "$dir/old"
expect2 "setup_sects nonsense" --kernel "$dir/sects"
expect2 "kernel too big for RAM" --kernel "$k" --memory 8M
expect2 "missing initrd" --kernel "$k" --initrd "$dir/nonexistent"
expect2 "initrd too big for RAM" --kernel "$k" --memory 32M --initrd "$cache/debs/"linux-image-*.deb
expect2 "command line too long" --kernel "$k" --append "$(head -c 5000 /dev/zero | tr '\0' x)"
expect2 "initrd without kernel" --initrd "$dir/empty" --boot-sector "$dir/random"
expect2 "bad boot protocol" --kernel "$k" --boot-protocol 64
head -c 1000 /dev/zero >"$dir/ragged"
expect2 "missing --disk image" --kernel "$k" --disk "$dir/nonexistent"
expect2 "--disk of a directory" --kernel "$k" --disk "$dir"
expect2 "empty --disk image" --kernel "$k" --disk "$dir/empty"
expect2 "--disk not whole sectors" --kernel "$k" --disk "$dir/ragged"
expect2 "--disk with no path" --kernel "$k" --disk ""
expect2 "--disk with no value" --kernel "$k" --disk
expect2 "nine --disk images" --kernel "$k" $(for _ in 1 2 3 4 5 6 7 8 9; do printf -- '--disk %s ' "$k"; done)
exit $fail
