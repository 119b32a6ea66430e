#!/usr/bin/env bash
# Boots pxboot with a PXI driver built from a text and checks that COM1
# carries exactly that text, byte for byte, and that --pixel-trace wrote the
# batch as a PNG. With BACKEND auto, --verbose must show how auto chose, and a
# CPU implementation of Vulkan (lavapipe) must not have taken the small batch.
#   pxboot_serial.sh PXOS ENGINE BACKEND
# A backend that this build or host lacks is reported as skipped (exit 77).
set -u
pxos=$1 engine=$2 backend=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
text=$'pxOS pixel device: the text of the driver, byte for byte.\r\nLine 2 ~!@#$%^&*()_+{}|:"<>? 0123456789\n\tend\n'
printf '%s' "$text" >"$dir/want"
"$pxos" pxi build --text "$text" -o "$dir/driver.png" || exit 1
"$pxos" pxi floppy "$dir/driver.png" -o "$dir/floppy.img" || exit 1
verbose=()
[ "$backend" = auto ] && verbose=(--verbose)
"$pxos" run --floppy "$dir/floppy.img" --engine "$engine" --pixel-backend "$backend" --serial "file:$dir/got" \
  --pixel-trace "$dir/trace" --display none --timeout 60 "${verbose[@]}" </dev/null >"$dir/out" 2>"$dir/err"
rc=$?
echo "--- stdout"; cat "$dir/out"; echo "--- stderr"; cat "$dir/err"; echo "--- exit status $rc"
if [ "$rc" = 2 ] && grep -q "is unavailable" "$dir/err"; then
  echo "SKIPPED: the $backend backend is not available here"
  exit 77
fi
fail=0
[ "$rc" = 0 ] || { echo "exit status $rc, expected 0"; fail=1; }
if ! cmp "$dir/want" "$dir/got"; then
  echo "COM1 output differs from the driver's text:"; od -c "$dir/got" | head -20; fail=1
fi
grep -q "status done" "$dir/out" || { echo "pxboot did not report status done"; fail=1; }
grep -q "irq taken" "$dir/out" || { echo "pxboot did not take the completion interrupt"; fail=1; }
[ -s "$dir/trace/batch-000001-done.png" ] || { echo "--pixel-trace wrote no batch-000001-done.png"; fail=1; }
if [ "$backend" = auto ]; then
  grep -q "^pixel: auto: batches of .* -> " "$dir/err" || { echo "--verbose did not say how auto chose"; fail=1; }
  if "$pxos" pxi backends 2>/dev/null | grep -q "^vulkan .*a CPU implementation" &&
    grep -q "^pixel: auto: batches of .* -> vulkan$" "$dir/err"; then
    echo "auto gave a small batch to a CPU implementation of Vulkan"; fail=1
  fi
fi
exit $fail
