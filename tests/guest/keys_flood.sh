#!/usr/bin/env bash
# Keys are never lost: guests/keys_flood.bin reads the 520 characters of
# guests/keys_flood.txt more slowly than they are typed and checks each.
#   keys_flood.sh ENGINE PXOS GUEST TEXT send-keys|stdin
# send-keys: typed with --send-keys; stdin: piped into pxos as a paste would come.
set -u
engine=$1 pxos=$2 guest=$3 textfile=$4 how=$5
if [ "$engine" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
  echo "SKIPPED: /dev/kvm is missing or not accessible on this host; the KVM engine cannot run here"
  exit 77
fi
text=$(cat "$textfile")
[ ${#text} = 520 ] || { echo "FAIL: $textfile has ${#text} characters, not 520"; exit 1; }
args=(run --engine "$engine" --boot-sector "$guest" --display none --timeout 100)
if [ "$how" = send-keys ]; then
  out=$("$pxos" "${args[@]}" --send-keys "$text" </dev/null 2>&1)
else
  out=$(printf '%s' "$text" | "$pxos" "${args[@]}" 2>&1)
fi
status=$?
echo "$out"
echo "--- exit status $status"
[ $status = 0 ] && grep -q "all 520 keys arrived in order" <<<"$out"
