#!/usr/bin/env bash
# FreeDOS takes several hundred typed keys without losing one: six ECHO
# commands of 70 characters each (456 keys), typed at once at A:\>, must each
# print their line whole. freedos_keys.sh ENGINE PXOS. The image is not part of
# the repository: PXOS_FREEDOS_IMAGE names it.
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
alphabet='abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!-_=+()[]#@$'
lines=() keys=""
for n in 1 2 3 4 5 6; do
  line="Line$n "
  for ((i = 0; ${#line} < 70; i++)); do line+=${alphabet:$(((i * 7 + n * 13) % ${#alphabet})):1}; done
  lines+=("$line")
  keys+="echo $line{enter}"
done
# The marker is printed only by the last command, never typed as it appears.
out=$("$pxos" run --engine "$engine" --floppy "$PXOS_FREEDOS_IMAGE" --expect 'A:\>' \
      --send-keys "${keys}set M=keys{enter}echo %M%-arrived{enter}" --until-text 'keys-arrived' \
      --display screen --timeout 150 </dev/null 2>&1)
status=$?
echo "$out"
echo "--- exit status $status"
[ $status = 0 ] || exit 1
fail=0
for line in "${lines[@]}"; do
  grep -qxF "$line" <<<"$(sed 's/ *$//' <<<"$out")" || { echo "FAIL: this line did not come out whole: $line"; fail=1; }
done
[ $fail = 0 ] && echo "ok: 6 lines of 70 typed characters came out whole"
exit $fail
