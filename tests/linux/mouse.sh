#!/usr/bin/env bash
# Linux's own PS/2 mouse driver on our mouse: Debian's psmouse module (from
# the fetched kernel package) probes it through the 8042's AUX port and must
# find the IntelliMouse Explorer (ID 04h after the rates 200, 200, 80); two
# scripted events then come out of /dev/input/mice as the PS/2 bytes they are
# (left button with X 10 and Y -5, then the release).
# Usage: mouse.sh PXOS SRC CACHE
set -u
pxos=$1 src=$2 cache=$3
debs=("$cache"/debs/linux-image-*.deb)
if [ ! -s "${debs[0]}" ] || [ ! -s "$cache/bzImage" ]; then
  echo "FAIL: the kernel package is missing from $cache/debs: the linux.fetch fixture did not run or failed"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "${debs[0]}" | tar -x -C "$tmp" --wildcards '*/psmouse.ko'
ko=$(find "$tmp" -name psmouse.ko | head -n 1)
[ -n "$ko" ] || { echo "FAIL: no psmouse.ko in ${debs[0]}"; exit 1; }
"$pxos" initramfs --busybox "$cache/busybox" --init "$src/scripts/linux/init-mouse" -o "$tmp/base.gz" || exit 1
# A second gzip'd newc archive with /psmouse.ko: the kernel unpacks both.
python3 - "$ko" "$tmp/module.gz" <<'PY'
import gzip, sys
def entry(name, data, mode):
    name = name.encode() + b"\0"
    fields = [0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name), 0]
    out = b"070701" + b"".join(b"%08X" % f for f in fields) + name
    out += b"\0" * (-len(out) % 4) + data
    return out + b"\0" * (-len(out) % 4)
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as f:
    f.write(gzip.compress(entry("psmouse.ko", data, 0o100644) + entry("TRAILER!!!", b"", 0)))
PY
cat "$tmp/base.gz" "$tmp/module.gz" >"$tmp/initrd.gz"
log=$tmp/console.log
. "$(dirname "$0")/run_to_marker.sh"
run_to_marker "$log" "$pxos" run --engine soft --kernel "$cache/bzImage" --initrd "$tmp/initrd.gz" \
  --append "console=ttyS0 loglevel=4" --display none --debugcon none --timeout "${PXOS_LINUX_TIMEOUT:-600}" \
  --expect pxos-mouse-ready --send-keys '{mouse 10 -5 1}{mouse 0 0 0}'
echo "pxos exit status $status; the last lines of the serial console:"
tail -n 12 "$log"
fail=0
check() {
  if grep -qE "$1" "$log"; then echo "ok: $2"; else echo "FAIL: $2 (no line matching '$1')"; fail=1; fi
}
[ "$status" = 0 ] || { echo "FAIL: the marker did not appear (exit status $status)"; fail=1; }
check '^pxos-input: N: Name="ImExPS/2 Generic Explorer Mouse"' 'psmouse found an IntelliMouse Explorer'
check '^pxos-mice: 29 0a fb 08 00 00' '/dev/input/mice gave left+X 10+Y -5, then the release'
exit $fail
