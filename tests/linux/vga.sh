#!/usr/bin/env bash
# Linux's framebuffer console through VBE: the loader puts the command line's
# vga=0x317 (VESA mode 117h, 1024x768 at 16 bpp) in the setup header, the
# kernel's real-mode setup sets the mode through INT 10h AX=4F01h/4F02h,
# vesafb takes the linear framebuffer and fbcon draws the console there. The
# kernel log (console=ttyS0) must list vesafb with the mode's geometry and the
# switch to the frame buffer console, and the screenshot taken at the marker
# must be 1024x768 with text on it. Then an undefined mode (vga=0x3ff, in
# the VESA range, which pxOS's BIOS does not list) must not crash anything:
# the setup says so on the screen and offers its menu, which goes on in text
# mode after 30 s without a key (a key typed at once could land before the
# menu empties the keyboard buffer), and the kernel boots to the marker.
# Usage: vga.sh PXOS SRC CACHE
set -u
pxos=$1 src=$2 cache=$3
for f in bzImage initramfs-test.gz; do
  [ -s "$cache/$f" ] || { echo "FAIL: $cache/$f is missing: the linux.fetch fixture did not run or failed"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timeout=${PXOS_LINUX_TIMEOUT:-600}
. "$(dirname "$0")/run_to_marker.sh"
fail=0
check() {  # REGEX WHAT: a line of the console log matches
  if grep -qaE "$1" "$tmp/log"; then echo "ok: $2"; else echo "FAIL: $2 (no line matching '$1')"; fail=1; fi
}

run_to_marker "$tmp/log" "$pxos" run --engine soft --kernel "$cache/bzImage" --initrd "$cache/initramfs-test.gz" \
  --append "vga=0x317 console=tty0 console=ttyS0 loglevel=7" --screenshot "$tmp/shot.png" \
  --display none --debugcon none --timeout "$timeout"
echo "--- vga=0x317: pxos exit status $status; the kernel's lines about the display:"
grep -aE 'vesafb|fb0|Console:' "$tmp/log"
[ "$status" = 0 ] || { echo "FAIL: the marker did not appear (exit status $status)"; tail -n 25 "$tmp/log"; fail=1; }
check 'vesafb: mode is 1024x768x16, linelength=2048' 'vesafb took VBE mode 117h, 1024x768x16'
check 'vesafb: framebuffer at 0xe0000000' 'at the linear framebuffer, E0000000h'
check 'Console: switching to colour frame buffer device 128x48' 'fbcon draws the console there (128x48)'
if [ -s "$tmp/shot.png" ]; then
  python3 "$src/tests/display/display_tool.py" png-ink "$tmp/shot.png" 1024x768 5000 || fail=1
else
  echo "FAIL: no screenshot"
  fail=1
fi

start=$(date +%s)
run_to_marker "$tmp/log" "$pxos" run --engine soft --kernel "$cache/bzImage" --initrd "$cache/initramfs-test.gz" \
  --append "vga=0x3ff console=ttyS0 loglevel=7" --expect "Undefined video mode number: 3ff" \
  --display none --debugcon none --timeout "$timeout"
echo "--- vga=0x3ff: pxos exit status $status after $(($(date +%s) - start)) s"
[ "$status" = 0 ] || { echo "FAIL: the marker did not appear (exit status $status)"; tail -n 25 "$tmp/log"; fail=1; }
check 'Console: colour VGA\+ 80x25' 'an undefined mode: the kernel went on in text mode'
exit $fail
