#!/usr/bin/env bash
# FreeDOS boots to A:\> and DIR lists the floppy: freedos.sh ENGINE PXOS.
# The image is not part of the repository: PXOS_FREEDOS_IMAGE names it.
set -u
engine=$1 pxos=$2
if [ -z "${PXOS_FREEDOS_IMAGE:-}" ]; then
  echo "SKIPPED: PXOS_FREEDOS_IMAGE is not set; point it at a FreeDOS 1.x boot floppy image to run this test"
  exit 77
fi
if [ ! -f "$PXOS_FREEDOS_IMAGE" ]; then
  echo "FAIL: PXOS_FREEDOS_IMAGE=$PXOS_FREEDOS_IMAGE is not a file"
  exit 1
fi
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host"
  exit 77
fi
out=$("$pxos" run --engine "$engine" --floppy "$PXOS_FREEDOS_IMAGE" --expect 'A:\>' --send-keys 'dir{enter}' \
      --until-text 'bytes free' --display screen --timeout 120 </dev/null 2>&1)
rc=$?
echo "$out"
echo "--- exit status $rc"
[ $rc = 0 ] && grep -qF 'A:\>dir' <<<"$out" && grep -q 'bytes free' <<<"$out"
